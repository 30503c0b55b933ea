namespace Mpp.Client.Lightning;

/// <summary>The Bitcoin network a Lightning invoice is for, read from its prefix (BOLT #11 "Human-Readable Part").</summary>
public enum LightningNetwork
{
    /// <summary>Bitcoin mainnet, prefix <c>lnbc</c>.</summary>
    Mainnet,

    /// <summary>Bitcoin testnet, prefix <c>lntb</c>.</summary>
    Testnet,

    /// <summary>Bitcoin signet, prefix <c>lntbs</c>.</summary>
    Signet,

    /// <summary>Bitcoin regtest, prefix <c>lnbcrt</c>.</summary>
    Regtest,
}
