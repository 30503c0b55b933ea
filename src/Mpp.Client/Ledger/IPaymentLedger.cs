namespace Mpp.Client.Ledger;

/// <summary>
/// Counts money against caps. An amount is reserved (atomically checked against every cap, then added) before a credential
/// exists, marked sent when the credential leaves the process (or a wallet starts moving funds), and completed as settled,
/// released (only when no money can have moved) or unknown (stays counted, and can be listed and resolved later).
/// </summary>
/// <remarks>
/// Implementations must make <see cref="ReserveAsync"/> and a top-up by <see cref="AdjustAsync"/> atomic across concurrent
/// callers (and processes, for a shared store): no interleaving may let the sum of reservations exceed a cap. The
/// in-memory ledger is the default; a durable store implements the same calls in one transaction each. Verify a store
/// with <c>LedgerConformance.VerifyAsync</c> from Mpp.Client.Testing.
/// </remarks>
public interface IPaymentLedger
{
    /// <summary>
    /// Checks <paramref name="charge"/> against every limit and, when all allow it, counts it under
    /// <see cref="LedgerCharge.Id"/>. A second call with an id already reserved counts nothing and succeeds.
    /// </summary>
    ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the credential left the process, or that the wallet started moving funds (with its reference); from
    /// now on only proof can release the amount.
    /// </summary>
    ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken cancellationToken);

    /// <summary>
    /// Ends or parks a reservation: <see cref="LedgerOutcome.Released"/> uncounts it; <see cref="LedgerOutcome.Settled"/>
    /// keeps it counted for good, at <paramref name="finalAmount"/> when given (a fee true-up, a refund at session close);
    /// <see cref="LedgerOutcome.Unknown"/> keeps it counted and pending, to be resolved later by another call. Settled and
    /// released entries are final: later calls change nothing. Unknown ids are ignored.
    /// </summary>
    ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken);

    /// <summary>
    /// Changes the amount of a pending reservation: an increase (a session top-up) is checked against every limit and
    /// refused like a reservation; a decrease is always applied.
    /// </summary>
    ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken);

    /// <summary>Lists entries, newest first (pending ones after a restart: <see cref="LedgerQuery.Pending"/>).</summary>
    IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// What is counted in <paramref name="unit"/> for a scope (null: everything; a host; a pattern or client scope that a
    /// <see cref="SpendingLimit"/> named) over a window (or the lifetime), split into locked and spent.
    /// </summary>
    ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken);

    /// <summary>Everything counted (locked and spent) in <paramref name="unit"/> for a scope over a window.</summary>
    async ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) =>
        (await GetUsageAsync(unit, scope, window, cancellationToken).ConfigureAwait(false)).Total;
}
