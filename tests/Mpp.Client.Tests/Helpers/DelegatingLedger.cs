using Mpp.Client.Ledger;

namespace Mpp.Client.Tests.Helpers;

/// <summary>Forwards every ledger call to an inner ledger; tests override the call they want to break or observe.</summary>
internal class DelegatingLedger(IPaymentLedger inner) : IPaymentLedger
{
    protected IPaymentLedger Inner { get; } = inner;

    public virtual ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        Inner.ReserveAsync(charge, limits, cancellationToken);

    public virtual ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken cancellationToken) =>
        Inner.MarkSentAsync(reservationId, walletReference, cancellationToken);

    public virtual ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken) =>
        Inner.CompleteAsync(reservationId, outcome, reference, finalAmount, cancellationToken);

    public virtual ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        Inner.AdjustAsync(reservationId, newAmount, limits, cancellationToken);

    public virtual IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, CancellationToken cancellationToken) => Inner.ListAsync(query, cancellationToken);

    public virtual ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) =>
        Inner.GetUsageAsync(unit, scope, window, cancellationToken);
}
