using System.Globalization;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// x402 network names: v2 uses CAIP-2 ids (<c>eip155:8453</c>); v1 uses names, mapped to chain ids as @x402/evm 2.27.0's
/// <c>EVM_NETWORK_CHAIN_ID_MAP</c> does.
/// </summary>
internal static class X402Networks
{
    private static readonly Dictionary<string, long> V1Names = new(StringComparer.Ordinal)
    {
        ["ethereum"] = 1, ["sepolia"] = 11155111, ["abstract"] = 2741, ["abstract-testnet"] = 11124,
        ["base-sepolia"] = 84532, ["base"] = 8453, ["avalanche-fuji"] = 43113, ["avalanche"] = 43114,
        ["iotex"] = 4689, ["sei"] = 1329, ["sei-testnet"] = 1328, ["polygon"] = 137, ["polygon-amoy"] = 80002,
        ["peaq"] = 3338, ["story"] = 1514, ["educhain"] = 41923, ["skale-base-sepolia"] = 324705682,
        ["megaeth"] = 4326, ["monad"] = 143, ["stable"] = 988, ["stable-testnet"] = 2201, ["celo"] = 42220, ["flare"] = 14,
    };

    /// <summary>Reads a CAIP-2 EVM id (<c>eip155:&lt;chain id&gt;</c>) or, for v1, a network name.</summary>
    public static bool TryGetChainId(string network, int version, out long chainId)
    {
        chainId = 0;
        if (network.StartsWith("eip155:", StringComparison.Ordinal))
        {
            var digits = network.AsSpan(7);
            return digits.Length is > 0 and <= 18 && digits[0] != '0' && !digits.ContainsAnyExceptInRange('0', '9')
                && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out chainId);
        }

        return version == 1 && V1Names.TryGetValue(network, out chainId);
    }

    /// <summary>The CAIP-2 id of a chain.</summary>
    public static string Caip2(long chainId) => "eip155:" + chainId.ToString(CultureInfo.InvariantCulture);
}
