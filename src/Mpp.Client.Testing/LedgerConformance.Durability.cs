using Mpp.Client.Ledger;

namespace Mpp.Client.Testing;

/// <summary>The rules a durable store adds: what survives a restart, leases, and caps shared by every instance on one store.</summary>
public static partial class LedgerConformance
{
    private static readonly TimeSpan TestLease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs the durability checks. <paramref name="newStore"/> creates a fresh, empty store and returns the function that
    /// opens it, with the clock and the lease of never-sent reservations the ledger must use; each call opens the same
    /// store again (a restart, or a second process). Ledgers are disposed (<see cref="IAsyncDisposable"/> or
    /// <see cref="IDisposable"/>) when a check is done with them; a store not disposed must still keep every rule.
    /// </summary>
    /// <exception cref="LedgerConformanceException">A rule is broken; the message says which.</exception>
    public static async Task VerifyDurableAsync(Func<Func<TimeProvider, TimeSpan, IPaymentLedger>> newStore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newStore);
        await PendingEntriesSurviveRestartAsync(newStore(), cancellationToken).ConfigureAwait(false);
        await LeasesReleaseOnlyNeverSentAsync(newStore(), cancellationToken).ConfigureAwait(false);
        await WindowsSurviveRestartAsync(newStore(), cancellationToken).ConfigureAwait(false);
        await InstancesShareCapsAsync(newStore(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task PendingEntriesSurviveRestartAsync(Func<TimeProvider, TimeSpan, IPaymentLedger> open, CancellationToken ct)
    {
        var clock = new ManualClock();
        var sent = new LedgerCharge("usd", 0.10m, "h") { Method = "tempo", ChallengeId = "c-sent" };
        var unknown = new LedgerCharge("usd", 0.20m, "h") { Method = "tempo" };
        var settled = new LedgerCharge("usd", 0.30m, "h");
        var released = new LedgerCharge("usd", 0.05m, "h");
        var ledger = open(clock, TestLease);
        foreach (var c in new[] { sent, unknown, settled, released })
        {
            Require((await ledger.ReserveAsync(c, [Day], ct).ConfigureAwait(false)).Succeeded, "a reservation within the cap must succeed");
        }

        await ledger.MarkSentAsync(sent.Id, "0xsent", ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(unknown.Id, "0xunknown", ct).ConfigureAwait(false);
        await ledger.CompleteAsync(unknown.Id, LedgerOutcome.Unknown, null, null, ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(settled.Id, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(settled.Id, LedgerOutcome.Settled, "receipt-1", null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(released.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        await DisposeAsync(ledger).ConfigureAwait(false);

        clock.Now += TimeSpan.FromHours(2); // past the lease: sent entries must not expire
        ledger = open(clock, TestLease);
        var usage = await ledger.GetUsageAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(usage.Locked == 0.30m && usage.Spent == 0.30m,
            $"after a restart, sent and unknown entries must stay counted as locked and settled ones as spent (locked {usage.Locked}, spent {usage.Spent}; expected 0.30 and 0.30)");
        var pending = await ListAsync(ledger, LedgerQuery.Pending, ct).ConfigureAwait(false);
        Require(pending.Count == 2 && pending.Any(e => e.Id == sent.Id && e.State == LedgerEntryState.Sent && e.WalletReference == "0xsent" && e.Charge.ChallengeId == "c-sent")
            && pending.Any(e => e.Id == unknown.Id && e.State == LedgerEntryState.Unknown && e.WalletReference == "0xunknown"),
            "after a restart, entries left sent or unknown must be listed as pending with their state, wallet reference and challenge id");
        var final = await ListAsync(ledger, new LedgerQuery { States = [LedgerEntryState.Settled, LedgerEntryState.Released] }, ct).ConfigureAwait(false);
        Require(final.Any(e => e.Id == settled.Id && e.Reference == "receipt-1" && e.Amount == 0.30m) && final.Any(e => e.Id == released.Id && e.Amount == 0m),
            "after a restart, settled and released entries must be listed with their amounts and references");
        Require((await ledger.ReserveAsync(sent, [Day], ct).ConfigureAwait(false)).Succeeded
            && (await ledger.GetUsageAsync("usd", null, null, ct).ConfigureAwait(false)).Total == 0.60m,
            "after a restart, a retried reserve with an id already stored must count once");
        await ledger.CompleteAsync(sent.Id, LedgerOutcome.Settled, null, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(unknown.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        usage = await ledger.GetUsageAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(usage.Locked == 0m && usage.Spent == 0.40m && (await ListAsync(ledger, LedgerQuery.Pending, ct).ConfigureAwait(false)).Count == 0,
            "after a restart, pending entries must be resolvable (settled stays counted, released is uncounted)");
        await DisposeAsync(ledger).ConfigureAwait(false);
    }

    private static async Task LeasesReleaseOnlyNeverSentAsync(Func<TimeProvider, TimeSpan, IPaymentLedger> open, CancellationToken ct)
    {
        var clock = new ManualClock();
        var neverSent = new LedgerCharge("usd", 0.40m, "h");
        var sent = new LedgerCharge("usd", 0.30m, "h");
        var ledger = open(clock, TestLease);
        await ledger.ReserveAsync(neverSent, [Day], ct).ConfigureAwait(false);
        await ledger.ReserveAsync(sent, [Day], ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(sent.Id, "0xsent", ct).ConfigureAwait(false);
        await DisposeAsync(ledger).ConfigureAwait(false); // the process dies between reserve and send

        clock.Now += TestLease - TimeSpan.FromMinutes(1);
        ledger = open(clock, TestLease);
        var spent = await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(spent == 0.70m, $"a reservation never sent must stay counted until its lease runs out (spent {spent}, expected 0.70)");
        clock.Now += TimeSpan.FromMinutes(2);
        spent = await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(spent == 0.30m, $"a reservation never sent must be released once its lease has run out, and a sent one kept (spent {spent}, expected 0.30)");
        var entries = await ListAsync(ledger, new LedgerQuery(), ct).ConfigureAwait(false);
        Require(entries.Any(e => e.Id == neverSent.Id && e.State == LedgerEntryState.Released),
            "a reservation released by its lease must be listed as released");
        LedgerStoreException? refused = null;
        try
        {
            await ledger.MarkSentAsync(neverSent.Id, null, ct).ConfigureAwait(false);
        }
        catch (LedgerStoreException ex)
        {
            refused = ex;
        }

        Require(refused?.Code == MppErrorCode.ReservationExpired,
            "marking sent a reservation its lease released must fail with LedgerStoreException (ReservationExpired), so the credential is not sent uncounted");
        clock.Now += TimeSpan.FromDays(400);
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.30m
            && (await ListAsync(ledger, LedgerQuery.Pending, ct).ConfigureAwait(false)).Any(e => e.Id == sent.Id && e.State == LedgerEntryState.Sent),
            "a sent entry must never expire by itself: counted and pending until resolved");
        await DisposeAsync(ledger).ConfigureAwait(false);
    }

    private static async Task WindowsSurviveRestartAsync(Func<TimeProvider, TimeSpan, IPaymentLedger> open, CancellationToken ct)
    {
        var clock = new ManualClock();
        var hour = new SpendingLimit("PerHour", "usd", 1.00m, TimeSpan.FromHours(1));
        var lifetime = new SpendingLimit("Lifetime", "usd", 1.50m, null);
        var ledger = open(clock, TestLease);
        var first = new LedgerCharge("usd", 1.00m, "h");
        await ledger.ReserveAsync(first, [hour, lifetime], ct).ConfigureAwait(false);
        await ledger.CompleteAsync(first.Id, LedgerOutcome.Settled, null, null, ct).ConfigureAwait(false);
        await DisposeAsync(ledger).ConfigureAwait(false);

        clock.Now += TimeSpan.FromMinutes(30);
        ledger = open(clock, TestLease);
        Require(!(await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [hour, lifetime], ct).ConfigureAwait(false)).Succeeded,
            "after a restart, a rolling window must still count spend younger than the window");
        clock.Now += TimeSpan.FromMinutes(31);
        var second = new LedgerCharge("usd", 0.50m, "h");
        Require((await ledger.ReserveAsync(second, [hour, lifetime], ct).ConfigureAwait(false)).Succeeded,
            "after a restart, a rolling window must forget spend older than the window");
        await ledger.CompleteAsync(second.Id, LedgerOutcome.Settled, null, null, ct).ConfigureAwait(false);
        clock.Now += TimeSpan.FromDays(90); // long after compaction: the lifetime total must remain
        await DisposeAsync(ledger).ConfigureAwait(false);
        ledger = open(clock, TestLease);
        var refused = await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [hour, lifetime], ct).ConfigureAwait(false);
        Require(refused.RefusedBy == lifetime && refused.SpentInWindow == 1.50m,
            $"a lifetime cap must keep counting every entry, however old (refused by {refused.RefusedBy?.Name ?? "nothing"}, counted {refused.SpentInWindow}; expected Lifetime, 1.50)");
        await DisposeAsync(ledger).ConfigureAwait(false);
    }

    private static async Task InstancesShareCapsAsync(Func<TimeProvider, TimeSpan, IPaymentLedger> open, CancellationToken ct)
    {
        var clock = new ManualClock();
        var a = open(clock, TestLease);
        var b = open(clock, TestLease);
        var cap = new SpendingLimit("PerDay", "usd", 0.50m, TimeSpan.FromDays(1));
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(
            async () => await (i % 2 == 0 ? a : b).ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [cap], ct).ConfigureAwait(false), ct))).ConfigureAwait(false);
        var succeeded = results.Count(r => r.Succeeded);
        var seenByA = await a.GetSpentAsync("usd", null, cap.Window, ct).ConfigureAwait(false);
        var seenByB = await b.GetSpentAsync("usd", null, cap.Window, ct).ConfigureAwait(false);
        Require(succeeded == 50 && seenByA == 0.50m && seenByB == 0.50m,
            $"two ledgers open on one store must share its caps: 100 concurrent reservations of 0.01 against 0.50 through both must reserve exactly 50, and both must read 0.50 (reserved {succeeded}, read {seenByA} and {seenByB})");
        await DisposeAsync(a).ConfigureAwait(false);
        await DisposeAsync(b).ConfigureAwait(false);
    }

    private static async Task DisposeAsync(IPaymentLedger ledger)
    {
        switch (ledger)
        {
            case IAsyncDisposable d:
                await d.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }
    }
}
