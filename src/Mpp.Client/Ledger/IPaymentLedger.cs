namespace Mpp.Client.Ledger;

/// <summary>
/// Counts money against caps. An amount is reserved (atomically checked against every cap, then added) before a credential
/// exists, marked sent when the credential leaves the process, and completed as settled, released (only when no money can
/// have moved) or unknown (stays counted).
/// </summary>
/// <remarks>
/// Implementations must make <see cref="ReserveAsync"/> atomic across concurrent callers (and processes, for a shared
/// store): no interleaving may let the sum of reservations exceed a cap. The in-memory ledger is the default; a durable
/// store (SQLite, Redis, PostgreSQL) implements the same four calls in one transaction each.
/// </remarks>
public interface IPaymentLedger
{
    /// <summary>Checks <paramref name="charge"/> against every limit and, when all allow it, counts it.</summary>
    ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken);

    /// <summary>Records that the credential for the reservation left the process; from now on only the server can prove it unspent.</summary>
    ValueTask MarkSentAsync(Guid reservationId, CancellationToken cancellationToken);

    /// <summary>Ends a reservation: <see cref="LedgerOutcome.Released"/> uncounts it; the other outcomes keep it counted.</summary>
    ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, CancellationToken cancellationToken);

    /// <summary>
    /// What is counted in <paramref name="unit"/> for a scope (null: everything; a host; a pattern or client scope that a
    /// <see cref="SpendingLimit"/> named) over a window (or the lifetime).
    /// </summary>
    ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken);
}
