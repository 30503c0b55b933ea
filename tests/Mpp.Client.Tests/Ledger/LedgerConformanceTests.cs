using Mpp.Client.Ledger;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

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

    [Fact]
    public async Task A_ledger_that_counts_a_retried_reserve_twice_is_caught()
    {
        var ex = await Assert.ThrowsAsync<LedgerConformanceException>(() => LedgerConformance.VerifyAsync(time => new CountsRetriesTwice(new InMemoryPaymentLedger(time))));
        Assert.Contains("retried reserve", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_whose_unknown_entries_are_final_is_caught()
    {
        var ex = await Assert.ThrowsAsync<LedgerConformanceException>(() => LedgerConformance.VerifyAsync(time => new UnknownIsFinal(new InMemoryPaymentLedger(time))));
        Assert.Contains("unknown", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_that_tops_up_past_a_cap_is_caught()
    {
        var ex = await Assert.ThrowsAsync<LedgerConformanceException>(() => LedgerConformance.VerifyAsync(time => new UncheckedTopUps(new InMemoryPaymentLedger(time))));
        Assert.Contains("top-up beyond the cap", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Checks the cap, yields, then reserves without limits: the classic lost-update bug.</summary>
    private sealed class RacyLedger(InMemoryPaymentLedger inner) : DelegatingLedger(inner)
    {
        public override async ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken)
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
    }

    private sealed class NeverReleases(InMemoryPaymentLedger inner) : DelegatingLedger(inner)
    {
        public override ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken) =>
            inner.CompleteAsync(reservationId, outcome == LedgerOutcome.Released ? LedgerOutcome.Unknown : outcome, reference, finalAmount, cancellationToken);
    }

    /// <summary>Counts a retried reservation twice: ignores the caller's id.</summary>
    private sealed class CountsRetriesTwice(InMemoryPaymentLedger inner) : DelegatingLedger(inner)
    {
        public override ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
            inner.ReserveAsync(new LedgerCharge(charge.Unit, charge.Amount, charge.Host) { Method = charge.Method, Intent = charge.Intent, ChallengeId = charge.ChallengeId }, limits, cancellationToken);
    }

    /// <summary>Treats Unknown as final: what the ledger of 0.1 did.</summary>
    private sealed class UnknownIsFinal(InMemoryPaymentLedger inner) : DelegatingLedger(inner)
    {
        public override ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken) =>
            outcome == LedgerOutcome.Unknown ? inner.CompleteAsync(reservationId, LedgerOutcome.Settled, reference, finalAmount, cancellationToken) : inner.CompleteAsync(reservationId, outcome, reference, finalAmount, cancellationToken);
    }

    /// <summary>Applies top-ups without checking the caps.</summary>
    private sealed class UncheckedTopUps(InMemoryPaymentLedger inner) : DelegatingLedger(inner)
    {
        public override ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
            inner.AdjustAsync(reservationId, newAmount, [], cancellationToken);
    }
}
