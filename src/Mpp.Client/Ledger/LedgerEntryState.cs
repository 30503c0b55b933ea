namespace Mpp.Client.Ledger;

/// <summary>Where a ledger entry is in its life: reserved → sent → settled, released, or unknown until resolved.</summary>
public enum LedgerEntryState
{
    /// <summary>Counted; the credential has not left the process.</summary>
    Reserved,

    /// <summary>Counted; the credential left the process (or the wallet started moving funds).</summary>
    Sent,

    /// <summary>Counted; the outcome is not known. Not final: it can be listed and resolved.</summary>
    Unknown,

    /// <summary>Counted for good: the payment was taken.</summary>
    Settled,

    /// <summary>Uncounted: no money moved.</summary>
    Released,
}
