namespace Mpp.Client.Ledger;

/// <summary>How a reserved payment ended, or that it has not ended yet.</summary>
public enum LedgerOutcome
{
    /// <summary>The server accepted the payment (2xx, or 403 after a valid payment). Counted for good.</summary>
    Settled,

    /// <summary>No money left: the credential was never sent, or the server proved it did not take it. Uncounted.</summary>
    Released,

    /// <summary>The credential left the process and the outcome is unknown. Stays counted and pending until resolved.</summary>
    Unknown,
}
