namespace Mpp.Client.Tempo;

/// <summary>
/// Tempo networks and the pathUSD token (6 decimals). Mainnet 4217: mppx 0.11.0 <c>dist/tempo/internal/defaults.js</c>;
/// testnet 42431 (the default <c>methodDetails.chainId</c>) and the pathUSD address: draft-tempo-charge-01.
/// </summary>
internal static class TempoChains
{
    public const ulong MainnetChainId = 4217;

    public const ulong TestnetChainId = 42431;

    public const string PathUsd = "0x20c0000000000000000000000000000000000000";

    public const int PathUsdDecimals = 6;
}
