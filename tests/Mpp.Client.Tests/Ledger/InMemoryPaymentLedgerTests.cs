using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger;

namespace Mpp.Client.Tests.Ledger;

public sealed class InMemoryPaymentLedgerTests
{
    private static readonly SpendingLimit DayUsd = new("PerDay", "usd", 1.00m, TimeSpan.FromDays(1));
    private static readonly SpendingLimit LifetimeUsd = new("Lifetime", "usd", 5.00m, null);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Reserve_refuses_the_charge_that_would_exceed_a_cap_and_reports_it()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        var first = await ledger.ReserveAsync(new LedgerCharge("usd", 0.60m, "a.example"), [DayUsd], default);
        var second = await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "a.example"), [DayUsd], default);
        var third = await ledger.ReserveAsync(new LedgerCharge("usd", 0.40m, "a.example"), [DayUsd], default);

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Equal("PerDay", second.RefusedBy!.Name);
        Assert.Equal(0.60m, second.SpentInWindow);
        Assert.True(third.Succeeded); // exactly at the cap is allowed
        Assert.Equal(1.00m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromDays(1), default));
    }

    [Fact]
    public async Task Released_reservations_are_uncounted_but_sent_unknown_and_settled_ones_stay()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        var a = await ledger.ReserveAsync(new LedgerCharge("usd", 0.30m, "a.example"), [DayUsd], default);
        var b = await ledger.ReserveAsync(new LedgerCharge("usd", 0.30m, "a.example"), [DayUsd], default);
        var c = await ledger.ReserveAsync(new LedgerCharge("usd", 0.30m, "a.example"), [DayUsd], default);
        await ledger.MarkSentAsync(b.Id, null, default);
        await ledger.MarkSentAsync(c.Id, null, default);

        await ledger.CompleteAsync(a.Id, LedgerOutcome.Released, null, null, default);
        await ledger.CompleteAsync(b.Id, LedgerOutcome.Unknown, null, null, default);
        await ledger.CompleteAsync(c.Id, LedgerOutcome.Settled, "ref", null, default);
        await ledger.CompleteAsync(a.Id, LedgerOutcome.Released, null, null, default); // twice: no double release

        Assert.Equal(0.60m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromDays(1), default));
        Assert.Equal(0.60m, await ledger.GetSpentAsync("usd", "a.example", null, default));
        Assert.Equal(1, ledger.OpenReservations); // the unknown one stays pending until resolved
    }

    [Fact]
    public async Task Rolling_window_forgets_spend_older_than_the_window_but_lifetime_does_not()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 1.00m, "h"), [DayUsd, LifetimeUsd], default)).Succeeded);
        Assert.False((await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [DayUsd, LifetimeUsd], default)).Succeeded);

        _time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59));
        Assert.False((await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [DayUsd, LifetimeUsd], default)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 1.00m, "h"), [DayUsd, LifetimeUsd], default)).Succeeded);
        Assert.Equal(2.00m, await ledger.GetSpentAsync("usd", null, null, default));

        for (var day = 0; day < 3; day++)
        {
            _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(2));
            Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 1.00m, "h"), [DayUsd, LifetimeUsd], default)).Succeeded);
        }

        _time.Advance(TimeSpan.FromDays(2));
        var refused = await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [DayUsd, LifetimeUsd], default);
        Assert.Equal("Lifetime", refused.RefusedBy?.Name);
    }

    [Fact]
    public async Task Releasing_a_reservation_after_the_window_moved_keeps_the_sums_exact()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        var hour = new SpendingLimit("PerHour", "usd", 1m, TimeSpan.FromHours(1));
        var old = await ledger.ReserveAsync(new LedgerCharge("usd", 0.70m, "h"), [hour, DayUsd], default);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromHours(1), default));
        await ledger.CompleteAsync(old.Id, LedgerOutcome.Released, null, null, default);
        Assert.Equal(0m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromHours(1), default));
        Assert.Equal(0m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromDays(1), default));
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 1.00m, "h"), [hour, DayUsd], default)).Succeeded);
    }

    [Fact]
    public async Task Host_caps_count_only_their_host_and_units_are_separate()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        var hostCap = new SpendingLimit("Hosts[a.example].PerDay", "usd", 0.50m, TimeSpan.FromDays(1), "a.example");
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "a.example"), [DayUsd, hostCap], default)).Succeeded);
        Assert.False((await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "a.example"), [DayUsd, hostCap], default)).Succeeded);
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "b.example"), [DayUsd], default)).Succeeded);
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("sat", 1000m, "a.example"), [DayUsd, hostCap], default)).Succeeded);
        Assert.Equal(1000m, await ledger.GetSpentAsync("sat", "a.example", null, default));
    }

    [Fact]
    public async Task Concurrent_reservations_never_exceed_the_cap()
    {
        var ledger = new InMemoryPaymentLedger(_time);
        var cap = new SpendingLimit("PerDay", "usd", 7.77m, TimeSpan.FromDays(1));
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
            await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m * (1 + (i % 5)), "h"), [cap], default))));

        var reserved = results.Where(r => r.Succeeded).Count();
        var spent = await ledger.GetSpentAsync("usd", null, TimeSpan.FromDays(1), default);
        Assert.True(spent <= 7.77m);
        Assert.True(spent > 7.70m); // the cap is used up, not under-used
        Assert.True(reserved < 1000);
    }

    [Fact]
    public async Task Clock_going_backwards_does_not_reopen_a_window()
    {
        var clock = new ManualClock { Now = _time.GetUtcNow() };
        var ledger = new InMemoryPaymentLedger(clock);
        var hour = new SpendingLimit("PerHour", "usd", 1m, TimeSpan.FromHours(1));
        Assert.True((await ledger.ReserveAsync(new LedgerCharge("usd", 1m, "h"), [hour], default)).Succeeded);
        clock.Now -= TimeSpan.FromHours(3);
        Assert.False((await ledger.ReserveAsync(new LedgerCharge("usd", 0.5m, "h"), [hour], default)).Succeeded);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
