using Mpp.Client.Ledger;

namespace Mpp.Client.Testing;

/// <summary>
/// Checks that an <see cref="IPaymentLedger"/> keeps the promises the payment handler relies on, so a durable or shared
/// store (SQLite, Redis, PostgreSQL) can be verified with the same rules as the in-memory ledger. Framework-agnostic:
/// call <see cref="VerifyAsync"/> from any test and let the exception fail it.
/// </summary>
public static partial class LedgerConformance
{
    /// <summary>
    /// Runs every check against fresh ledgers from <paramref name="createLedger"/>, which receives the clock the ledger
    /// must read time from.
    /// </summary>
    /// <exception cref="LedgerConformanceException">A rule is broken; the message says which.</exception>
    public static async Task VerifyAsync(Func<TimeProvider, IPaymentLedger> createLedger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createLedger);
        await CapsAreEnforcedAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await OutcomesCountAsPromisedAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await LifecycleIsKeptAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await AdjustmentsAreCheckedAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await ConcurrentReservationsNeverOvershootAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await WindowsRollAsync(createLedger, cancellationToken).ConfigureAwait(false);
        await ScopesAreSeparateAsync(createLedger, cancellationToken).ConfigureAwait(false);
    }

    private static readonly SpendingLimit Day = new("PerDay", "usd", 1.00m, TimeSpan.FromDays(1));

    private static async Task CapsAreEnforcedAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 0.60m, "a.example"), [Day], ct).ConfigureAwait(false)).Succeeded, "a reservation within the cap must succeed");
        var refused = await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "a.example"), [Day], ct).ConfigureAwait(false);
        Require(!refused.Succeeded, "a reservation that would exceed the cap must be refused");
        Require(refused.RefusedBy == Day, "a refusal must name the limit that refused it");
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 0.40m, "a.example"), [Day], ct).ConfigureAwait(false)).Succeeded, "a reservation reaching the cap exactly must succeed");
        Require(await ledger.GetSpentAsync("usd", null, Day.Window, ct).ConfigureAwait(false) == 1.00m, "spent must be the sum of the reservations");
    }

    private static async Task OutcomesCountAsPromisedAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        var released = await ledger.ReserveAsync(new LedgerCharge("usd", 0.10m, "h"), [Day], ct).ConfigureAwait(false);
        var settled = await ledger.ReserveAsync(new LedgerCharge("usd", 0.20m, "h"), [Day], ct).ConfigureAwait(false);
        var unknown = await ledger.ReserveAsync(new LedgerCharge("usd", 0.30m, "h"), [Day], ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(settled.Id, null, ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(unknown.Id, "0xabc", ct).ConfigureAwait(false);
        await ledger.CompleteAsync(released.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(settled.Id, LedgerOutcome.Settled, "ref", null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(unknown.Id, LedgerOutcome.Unknown, null, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(released.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(settled.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        var spent = await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(spent == 0.50m, $"released must be uncounted, settled and unknown counted, and settled and released entries final (spent {spent}, expected 0.50)");
        var usage = await ledger.GetUsageAsync("usd", null, null, ct).ConfigureAwait(false);
        Require(usage.Locked == 0.30m && usage.Spent == 0.20m, $"unknown must count as locked and settled as spent (locked {usage.Locked}, spent {usage.Spent})");
    }

    private static async Task LifecycleIsKeptAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        var charge = new LedgerCharge("usd", 0.25m, "h") { Method = "tempo", Intent = "charge", ChallengeId = "c1", Description = "tempo/charge https://h" };
        Require((await ledger.ReserveAsync(charge, [Day], ct).ConfigureAwait(false)).Succeeded, "a reservation must succeed");
        var again = await ledger.ReserveAsync(charge, [Day], ct).ConfigureAwait(false);
        Require(again.Succeeded && again.Id == charge.Id, "a retried reserve with the same id must succeed with that id");
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.25m, "a retried reserve with the same id must count once");
        await ledger.MarkSentAsync(charge.Id, "0xfeed", ct).ConfigureAwait(false);
        await ledger.CompleteAsync(charge.Id, LedgerOutcome.Unknown, null, null, ct).ConfigureAwait(false);
        var pending = await ListAsync(ledger, LedgerQuery.Pending, ct).ConfigureAwait(false);
        Require(pending.Count == 1 && pending[0].Id == charge.Id && pending[0].State == LedgerEntryState.Unknown,
            "an entry with an unknown outcome must be listed as pending (state Unknown)");
        Require(pending[0].WalletReference == "0xfeed" && pending[0].Charge.Method == "tempo" && pending[0].Charge.ChallengeId == "c1",
            "a listed entry must keep its wallet reference, method and challenge id");
        await ledger.CompleteAsync(charge.Id, LedgerOutcome.Released, null, null, ct).ConfigureAwait(false);
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0m, "an unknown entry must be resolvable as released (uncounted)");
        Require((await ListAsync(ledger, LedgerQuery.Pending, ct).ConfigureAwait(false)).Count == 0, "a resolved entry must no longer be pending");

        var trued = new LedgerCharge("usd", 0.30m, "h");
        await ledger.ReserveAsync(trued, [Day], ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(trued.Id, null, ct).ConfigureAwait(false);
        await ledger.CompleteAsync(trued.Id, LedgerOutcome.Settled, "r", 0.27m, ct).ConfigureAwait(false);
        Require(await ledger.GetSpentAsync("usd", null, Day.Window, ct).ConfigureAwait(false) == 0.27m, "a settled entry must count its final amount (fee true-up)");
        var settled = await ListAsync(ledger, new LedgerQuery { States = [LedgerEntryState.Settled] }, ct).ConfigureAwait(false);
        Require(settled.Count == 1 && settled[0].Amount == 0.27m && settled[0].Reference == "r", "a settled entry must be listed with its final amount and reference");
    }

    private static async Task AdjustmentsAreCheckedAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        var deposit = new LedgerCharge("usd", 0.50m, "h") { Kind = Mpp.Client.Methods.PaymentKind.Deposit };
        await ledger.ReserveAsync(deposit, [Day], ct).ConfigureAwait(false);
        var topUp = await ledger.AdjustAsync(deposit.Id, 0.90m, [Day], ct).ConfigureAwait(false);
        Require(topUp.Succeeded, "a top-up within the cap must succeed");
        var tooMuch = await ledger.AdjustAsync(deposit.Id, 1.10m, [Day], ct).ConfigureAwait(false);
        Require(!tooMuch.Succeeded && tooMuch.RefusedBy == Day, "a top-up beyond the cap must be refused, naming the cap");
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.90m, "a refused top-up must count nothing");
        Require((await ledger.AdjustAsync(deposit.Id, 0.20m, [], ct).ConfigureAwait(false)).Succeeded, "a reduction must always succeed");
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.20m, "a reduction must uncount the difference");
        await ledger.CompleteAsync(deposit.Id, LedgerOutcome.Settled, null, null, ct).ConfigureAwait(false);
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.20m, "settling without a final amount keeps the adjusted amount");
    }

    private static async Task<List<LedgerEntry>> ListAsync(IPaymentLedger ledger, LedgerQuery query, CancellationToken ct)
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in ledger.ListAsync(query, ct).ConfigureAwait(false))
        {
            list.Add(e);
        }

        return list;
    }

    private static async Task ConcurrentReservationsNeverOvershootAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        var cap = new SpendingLimit("PerDay", "usd", 0.50m, TimeSpan.FromDays(1));
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(
            async () => await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [cap], ct).ConfigureAwait(false), ct))).ConfigureAwait(false);
        var succeeded = results.Count(r => r.Succeeded);
        var spent = await ledger.GetSpentAsync("usd", null, cap.Window, ct).ConfigureAwait(false);
        Require(succeeded == 50 && spent == 0.50m, $"200 concurrent reservations of 0.01 against a 0.50 cap must reserve exactly 50 (reserved {succeeded}, spent {spent})");
    }

    private static async Task WindowsRollAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var clock = new ManualClock();
        var ledger = create(clock);
        var hour = new SpendingLimit("PerHour", "usd", 1.00m, TimeSpan.FromHours(1));
        var lifetime = new SpendingLimit("Lifetime", "usd", 1.50m, null);
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 1.00m, "h"), [hour, lifetime], ct).ConfigureAwait(false)).Succeeded, "the first reservation must succeed");
        clock.Now += TimeSpan.FromMinutes(59);
        Require(!(await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [hour, lifetime], ct).ConfigureAwait(false)).Succeeded, "a rolling window must still count spend younger than the window");
        clock.Now += TimeSpan.FromMinutes(2);
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "h"), [hour, lifetime], ct).ConfigureAwait(false)).Succeeded, "a rolling window must forget spend older than the window");
        var refused = await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [hour, lifetime], ct).ConfigureAwait(false);
        Require(refused.RefusedBy == lifetime, "a lifetime cap must keep counting after windows roll");
    }

    private static async Task ScopesAreSeparateAsync(Func<TimeProvider, IPaymentLedger> create, CancellationToken ct)
    {
        var ledger = create(new ManualClock());
        var clientA = new SpendingLimit("Clients[a].PerDay", "usd", 0.10m, TimeSpan.FromDays(1), SpendingLimit.ClientScope("a"));
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 0.10m, "h"), [Day, clientA], ct).ConfigureAwait(false)).Succeeded, "a scoped reservation within its caps must succeed");
        Require(!(await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "h"), [Day, clientA], ct).ConfigureAwait(false)).Succeeded, "a scoped cap must count its own reservations");
        Require((await ledger.ReserveAsync(new LedgerCharge("usd", 0.50m, "h"), [Day], ct).ConfigureAwait(false)).Succeeded, "reservations outside a scope must not count against it");
        Require(await ledger.GetSpentAsync("usd", SpendingLimit.ClientScope("a"), null, ct).ConfigureAwait(false) == 0.10m, "a scope's spend must be its own");
        Require(await ledger.GetSpentAsync("usd", null, null, ct).ConfigureAwait(false) == 0.60m, "the unscoped spend must include every reservation");
        Require(await ledger.GetSpentAsync("usd", "h", null, ct).ConfigureAwait(false) == 0.60m, "the spend per host must include every reservation to that host");
        Require(await ledger.GetSpentAsync("sat", null, null, ct).ConfigureAwait(false) == 0m, "units must be counted separately");
    }

    private static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new LedgerConformanceException(rule);
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
