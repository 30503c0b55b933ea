namespace Mpp.Client.Tempo;

/// <summary>
/// Tempo networks and their USD stablecoins (TIP-20, 6 decimals). Mainnet 4217: mppx 0.11.0
/// <c>dist/tempo/internal/defaults.js</c>; testnet ("Moderato") 42431, the default <c>methodDetails.chainId</c>, and the
/// pathUSD address: draft-tempo-charge-01; USDC.e: mppx 0.11.0 <c>defaults.js</c> (<c>tokens.usdc</c>).
/// </summary>
public static class TempoChains
{
    /// <summary>Tempo mainnet.</summary>
    public const ulong MainnetChainId = 4217;

    /// <summary>Tempo testnet ("Moderato"), the chain draft-tempo-charge-01 assumes when a request names none.</summary>
    public const ulong TestnetChainId = 42431;

    /// <summary>pathUSD, the TIP-20 USD stablecoin every Tempo chain has (lower-case).</summary>
    public const string PathUsd = "0x20c0000000000000000000000000000000000000";

    /// <summary>Bridged USDC (USDC.e) on Tempo (lower-case).</summary>
    public const string UsdcE = "0x20c000000000000000000000b9537d11c60e8b50";

    /// <summary>The decimals of pathUSD and USDC.e.</summary>
    public const int StablecoinDecimals = 6;
}
