using Mpp.Client.Ledger;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Ledger;

public sealed class LedgerConformanceTests
{
    [Fact]
    public async Task The_in_memory_ledger_keeps_every_rule()
    {
        await LedgerConformance.VerifyAsync(time => new InMemoryPaymentLedger(time));
    }

    [Fact]
    public async Task A_ledger_that_checks_and_adds_in_two_steps_is_caught_overshooting()
    {
        var ex = await Assert.ThrowsAsync<LedgerConformanceException>(() => LedgerConformance.VerifyAsync(time => new RacyLedger(new InMemoryPaymentLedger(time))));
        Assert.Contains("concurrent", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_that_never_releases_is_caught()
    {
        var ex = await Assert.ThrowsAsync<LedgerConformanceException>(() => LedgerConformance.VerifyAsync(time => new NeverReleases(new InMemoryPaymentLedger(time))));
        Assert.Contains("released must be uncounted", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Checks the cap, yields, then reserves without limits: the classic lost-update bug.</summary>
    private sealed class RacyLedger(InMemoryPaymentLedger inner) : IPaymentLedger
    {
        public async ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken)
        {
            foreach (var limit in limits)
            {
                var spent = await inner.GetSpentAsync(limit.Unit, limit.Scope, limit.Window, cancellationToken);
                if (spent + charge.Amount > limit.Cap)
                {
                    return LedgerReservation.Refused(limit, spent);
                }
            }

            await Task.Delay(1, cancellationToken);
            return await inner.ReserveAsync(charge, [], cancellationToken);
        }

        public ValueTask MarkSentAsync(Guid reservationId, CancellationToken cancellationToken) => inner.MarkSentAsync(reservationId, cancellationToken);

        public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, CancellationToken cancellationToken) => inner.CompleteAsync(reservationId, outcome, reference, cancellationToken);

        public ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) => inner.GetSpentAsync(unit, scope, window, cancellationToken);
    }

    private sealed class NeverReleases(InMemoryPaymentLedger inner) : IPaymentLedger
    {
        public ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) => inner.ReserveAsync(charge, limits, cancellationToken);

        public ValueTask MarkSentAsync(Guid reservationId, CancellationToken cancellationToken) => inner.MarkSentAsync(reservationId, cancellationToken);

        public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, CancellationToken cancellationToken) =>
            inner.CompleteAsync(reservationId, outcome == LedgerOutcome.Released ? LedgerOutcome.Unknown : outcome, reference, cancellationToken);

        public ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) => inner.GetSpentAsync(unit, scope, window, cancellationToken);
    }
}
