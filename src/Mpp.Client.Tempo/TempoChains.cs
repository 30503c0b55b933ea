namespace Mpp.Client.Tempo;

/// <summary>Tempo networks and the pathUSD token (6 decimals).</summary>
internal static class TempoChains
{
    public const ulong MainnetChainId = 4217;

    public const ulong TestnetChainId = 42431;

    public const string PathUsd = "0x20c0000000000000000000000000000000000000";

    public const int PathUsdDecimals = 6;
}
