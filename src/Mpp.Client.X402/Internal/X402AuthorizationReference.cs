using System.Buffers;
using System.Globalization;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// What the ledger keeps of an x402 authorization (<c>LedgerEntry.WalletReference</c>), all of it public on chain once
/// used: <c>eip155:&lt;chain&gt;:&lt;from&gt;:&lt;nonce&gt;:&lt;asset&gt;:&lt;validBefore&gt;</c>. Enough for the reconciler to
/// ask the token whether the nonce was spent and to know when it no longer can be.
/// </summary>
internal sealed record X402AuthorizationReference(long ChainId, string From, string Nonce, string Asset, long ValidBefore)
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Format(long chainId, string from, byte[] nonce, string asset, long validBefore) =>
        string.Create(CultureInfo.InvariantCulture, $"{X402Networks.Caip2(chainId)}:{from}:{Hex.Encode(nonce)}:{asset.ToLowerInvariant()}:{validBefore}");

    /// <summary>Reads a reference this wallet wrote; null for anything else (an older, shorter reference included).</summary>
    public static X402AuthorizationReference? TryParse(string? reference)
    {
        var parts = reference?.Split(':');
        if (parts is not { Length: 6 } || parts[0] != "eip155"
            || !X402Networks.TryGetChainId("eip155:" + parts[1], 2, out var chainId)
            || !IsHex(parts[2], 40) || !IsHex(parts[3], 64) || !IsHex(parts[4], 40)
            || !long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var validBefore))
        {
            return null;
        }

        return new X402AuthorizationReference(chainId, parts[2], parts[3], parts[4], validBefore);
    }

    private static bool IsHex(string s, int digits) =>
        s.Length == digits + 2 && s.StartsWith("0x", StringComparison.Ordinal) && !s.AsSpan(2).ContainsAnyExcept(LowerHex);
}
