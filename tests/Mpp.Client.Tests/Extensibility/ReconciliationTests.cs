using System.Net;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// Unknown outcomes, resolved later (<see cref="PaymentReconciliation"/>): a rail's <see cref="IPaymentReconciler"/> looks
/// the payment up (a Tempo receipt by transaction hash, a Lightning payment by hash) and the ledger settles or releases it.
/// </summary>
public sealed class ReconciliationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo", "lightning");
        _server.MapPaid("/paid", new PriceOption("5") { Method = "tempo" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Looks a payment up in the server's own records, by the challenge it paid: settled if the server took it.</summary>
    private sealed class ServerRecordsReconciler(MppTestServer server, string method = "tempo") : IPaymentReconciler
    {
        public string Method { get; } = method;

        public List<Guid> LookedUp { get; } = [];

        public ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            LookedUp.Add(entry.Id);
            return ValueTask.FromResult<LedgerOutcome?>(server.Payments.Any(p => p.ChallengeId == entry.Charge.ChallengeId) ? LedgerOutcome.Settled : LedgerOutcome.Released);
        }
    }

    private sealed class FixedReconciler(string method, LedgerOutcome? answer) : IPaymentReconciler
    {
        public string Method { get; } = method;

        public int Calls { get; private set; }

        public ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(answer);
        }
    }

    private sealed class ThrowingReconciler(string method) : IPaymentReconciler
    {
        public string Method { get; } = method;

        public ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("node unreachable at https://user:hunter2@node.internal");
    }

    private static async Task<Guid> UnknownEntryAsync(IPaymentLedger ledger, string method, decimal amount, string? walletReference = null)
    {
        var charge = new LedgerCharge("usd", amount, "api.example.com") { Method = method, Intent = "charge", ChallengeId = "ch-" + Guid.NewGuid().ToString("N") };
        var reservation = await ledger.ReserveAsync(charge, [], default);
        await ledger.MarkSentAsync(reservation.Id, walletReference, default);
        await ledger.CompleteAsync(reservation.Id, LedgerOutcome.Unknown, null, null, default);
        return reservation.Id;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_really_lost_answer_is_listed_pending_and_reconciled_from_the_server_records(bool serverSawIt)
    {
        // Retries off: the reset is the end of the request, with an unknown outcome.
        await using var proxy = await FaultInjectingProxy.StartAsync(_server.BaseAddress, new FaultInjectingProxyOptions
        {
            ChooseFault = _ => serverSawIt ? ProxyFault.ResetAfterForward : ProxyFault.ResetBeforeForward,
        });
        var reconciler = new ServerRecordsReconciler(_server);
        await using var host = RailHost.Create(new RailWallet("tempo"), o => o.Retry.MaxRetryAttempts = 0, b => b.AddReconciler(reconciler));

        var ex = await Assert.ThrowsAsync<PaymentException>(() => host.Http.GetAsync(proxy.Url("/paid")));
        await proxy.WaitForIdleAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, ex.Code);
        Assert.Equal(PaymentStatus.Unknown, ex.Outcome!.Status);
        var pending = Assert.Single(await host.Reconciliation.ListPendingAsync());
        Assert.Equal(LedgerEntryState.Unknown, pending.State);
        Assert.Equal(ex.Outcome.Quote!.Challenge.Id, pending.Charge.ChallengeId);
        Assert.Equal(0.05m, await host.CountedAsync());
        Assert.Equal(serverSawIt ? 1 : 0, _server.Payments.Count);

        var resolved = await host.Reconciliation.ReconcileAsync(TimeSpan.Zero);

        var entry = Assert.Single(resolved);
        Assert.Equal(pending.Id, entry.Id);
        Assert.Equal(serverSawIt ? LedgerEntryState.Settled : LedgerEntryState.Released, entry.State);
        Assert.Empty(await host.Reconciliation.ListPendingAsync());
        Assert.Equal(serverSawIt ? new LedgerUsage(0m, 0.05m) : new LedgerUsage(0m, 0m), await host.UsageAsync());
        Assert.Equal([pending.Id], reconciler.LookedUp);
    }

    [Fact]
    public async Task Settled_stays_counted_and_released_uncounts()
    {
        var time = new FakeTimeProvider(Start);
        await using var host = RailHost.Create(new RailWallet("tempo"), time: time, build: b => b
            .AddReconciler(new FixedReconciler("tempo", LedgerOutcome.Settled))
            .AddReconciler(new FixedReconciler("lightning", LedgerOutcome.Released)));
        var settled = await UnknownEntryAsync(host.Ledger, "tempo", 1.00m, "0xabc");
        var released = await UnknownEntryAsync(host.Ledger, "lightning", 0.30m, "payment-hash");
        time.Advance(TimeSpan.FromMinutes(10));

        var resolved = await host.Reconciliation.ReconcileAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(2, resolved.Count);
        Assert.Contains(resolved, e => e.Id == settled && e.State == LedgerEntryState.Settled && e.Amount == 1.00m && e.WalletReference == "0xabc");
        Assert.Contains(resolved, e => e.Id == released && e.State == LedgerEntryState.Released && e.Amount == 0m);
        Assert.Equal(new LedgerUsage(0m, 1.00m), await host.UsageAsync());
        var entries = await host.EntriesAsync();
        Assert.Equal(LedgerEntryState.Settled, entries.Single(e => e.Id == settled).State);
        Assert.Equal(LedgerEntryState.Released, entries.Single(e => e.Id == released).State);
    }

    [Fact]
    public async Task Entries_younger_than_olderThan_are_left_alone()
    {
        var time = new FakeTimeProvider(Start);
        var reconciler = new FixedReconciler("tempo", LedgerOutcome.Released);
        await using var host = RailHost.Create(new RailWallet("tempo"), time: time, build: b => b.AddReconciler(reconciler));
        var old = await UnknownEntryAsync(host.Ledger, "tempo", 0.10m);
        time.Advance(TimeSpan.FromMinutes(10));
        var young = await UnknownEntryAsync(host.Ledger, "tempo", 0.20m);
        time.Advance(TimeSpan.FromMinutes(1));

        var resolved = await host.Reconciliation.ReconcileAsync(TimeSpan.FromMinutes(5));

        Assert.Equal([old], resolved.Select(e => e.Id));
        Assert.Equal(1, reconciler.Calls);
        Assert.Equal([young], (await host.Reconciliation.ListPendingAsync()).Select(e => e.Id));
        Assert.Equal(0.20m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_recent_wallet_reference_restarts_the_clock_of_an_old_reservation()
    {
        // A Lightning payment reserved long ago but marked moving a moment ago is still in flight.
        var time = new FakeTimeProvider(Start);
        var reconciler = new FixedReconciler("lightning", LedgerOutcome.Released);
        await using var host = RailHost.Create(new RailWallet("tempo"), time: time, build: b => b.AddReconciler(reconciler));
        var reservation = await host.Ledger.ReserveAsync(new LedgerCharge("usd", 0.10m, "h") { Method = "lightning" }, [], default);
        time.Advance(TimeSpan.FromMinutes(30));
        await host.Ledger.MarkSentAsync(reservation.Id, "payment-hash", default);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(await host.Reconciliation.ReconcileAsync(TimeSpan.FromMinutes(5)));
        Assert.Equal(0, reconciler.Calls);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(await host.Reconciliation.ReconcileAsync(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_reconciler_that_cannot_tell_yet_leaves_the_entry_pending_and_reserved_entries_are_not_offered()
    {
        var reconciler = new FixedReconciler("tempo", null);
        await using var host = RailHost.Create(new RailWallet("tempo"), build: b => b.AddReconciler(reconciler));
        var unknown = await UnknownEntryAsync(host.Ledger, "tempo", 0.10m);
        var reserved = await host.Ledger.ReserveAsync(new LedgerCharge("usd", 0.20m, "h") { Method = "tempo" }, [], default);

        var resolved = await host.Reconciliation.ReconcileAsync(TimeSpan.Zero);

        Assert.Empty(resolved);
        Assert.Equal(1, reconciler.Calls); // the unknown one; a reserved entry's credential never left the process
        Assert.Equal(2, (await host.Reconciliation.ListPendingAsync()).Count);
        Assert.Equal(0.30m, await host.CountedAsync());
        Assert.NotEqual(unknown, reserved.Id);
    }

    [Fact]
    public async Task A_reconciler_that_throws_is_skipped_and_logged_by_type_only_and_the_others_still_run()
    {
        var time = new FakeTimeProvider(Start);
        var lightning = new FixedReconciler("lightning", LedgerOutcome.Settled);
        await using var host = RailHost.Create(new RailWallet("tempo"), time: time, build: b => b
            .AddReconciler(new ThrowingReconciler("tempo"))
            .AddReconciler(lightning));
        var failing = await UnknownEntryAsync(host.Ledger, "tempo", 0.10m);
        var fine = await UnknownEntryAsync(host.Ledger, "lightning", 0.20m);
        time.Advance(TimeSpan.FromHours(1));

        var resolved = await host.Reconciliation.ReconcileAsync(TimeSpan.FromMinutes(5));

        Assert.Equal([fine], resolved.Select(e => e.Id));
        Assert.Equal([failing], (await host.Reconciliation.ListPendingAsync()).Select(e => e.Id));
        Assert.Equal(0.30m, await host.CountedAsync());
        var lines = host.LogLines();
        Assert.Contains(lines, l => l.Contains(nameof(ThrowingReconciler), StringComparison.Ordinal) && l.Contains(failing.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entries_of_a_method_without_a_reconciler_are_left_alone()
    {
        await using var host = RailHost.Create(new RailWallet("tempo"), build: b => b.AddReconciler(new FixedReconciler("tempo", LedgerOutcome.Released)));
        var stripe = await UnknownEntryAsync(host.Ledger, "stripe", 0.10m);

        Assert.Empty(await host.Reconciliation.ReconcileAsync(TimeSpan.Zero));
        Assert.Equal([stripe], (await host.Reconciliation.ListPendingAsync()).Select(e => e.Id));
    }

    [Theory]
    [InlineData(LedgerOutcome.Settled, 0.10, LedgerEntryState.Settled)]
    [InlineData(LedgerOutcome.Released, 0, LedgerEntryState.Released)]
    public async Task An_entry_can_be_resolved_by_hand(LedgerOutcome outcome, double counted, LedgerEntryState state)
    {
        await using var host = RailHost.Create(new RailWallet("tempo"));
        var id = await UnknownEntryAsync(host.Ledger, "stripe", 0.10m);

        await host.Reconciliation.ResolveAsync(id, outcome, "pi_123");

        Assert.Empty(await host.Reconciliation.ListPendingAsync());
        Assert.Equal((decimal)counted, await host.CountedAsync());
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal(state, entry.State);
        Assert.Equal("pi_123", entry.Reference);
        Assert.Contains(host.LogLines(), l => l.Contains("by hand", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_is_not_a_resolution()
    {
        await using var host = RailHost.Create(new RailWallet("tempo"));
        var id = await UnknownEntryAsync(host.Ledger, "stripe", 0.10m);

        await Assert.ThrowsAsync<ArgumentException>(async () => await host.Reconciliation.ResolveAsync(id, LedgerOutcome.Unknown));
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await host.Reconciliation.ListPendingAsync()).State);
    }

    [Fact]
    public async Task A_resolved_entry_is_final_and_a_later_resolution_changes_nothing()
    {
        await using var host = RailHost.Create(new RailWallet("tempo"));
        var id = await UnknownEntryAsync(host.Ledger, "stripe", 0.10m);

        await host.Reconciliation.ResolveAsync(id, LedgerOutcome.Settled);
        await host.Reconciliation.ResolveAsync(id, LedgerOutcome.Released);

        Assert.Equal(0.10m, await host.CountedAsync());
        Assert.Equal(LedgerEntryState.Settled, Assert.Single(await host.EntriesAsync()).State);
    }

    [Fact]
    public async Task An_unknown_outcome_from_the_payment_flow_is_what_the_reconciler_sees()
    {
        // A forced 500 after the credential: the server did not settle, the client cannot know.
        _server.MapPaid("/broken", new PaidRouteOptions { Prices = [new PriceOption("5") { Method = "tempo" }], ForcedStatusAttempts = 1, ForcedStatusCode = 500 });
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xfeed", ct);
                return RailWallet.Payload(attempt);
            },
        };
        LedgerEntry? seen = null;
        var reconciler = new LookupReconciler("tempo", e =>
        {
            seen = e;
            return LedgerOutcome.Released;
        });
        await using var host = RailHost.Create(wallet, o => o.Retry.MaxRetryAttempts = 0, b => b.AddReconciler(reconciler));

        using var response = await host.Http.GetAsync(_server.Url("/broken"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(PaymentStatus.Unknown, response.GetPaymentOutcome()!.Status);
        await host.Reconciliation.ReconcileAsync(TimeSpan.Zero);

        Assert.NotNull(seen);
        Assert.Equal(LedgerEntryState.Unknown, seen!.State);
        Assert.Equal("0xfeed", seen.WalletReference);
        Assert.Equal("tempo", seen.Charge.Method);
        Assert.Equal("charge", seen.Charge.Intent);
        Assert.Equal(0.05m, seen.Amount);
        Assert.Equal(response.GetPaymentOutcome()!.Quote!.Challenge.Id, seen.Charge.ChallengeId);
        Assert.Equal(0m, await host.CountedAsync());
    }

    private sealed class LookupReconciler(string method, Func<LedgerEntry, LedgerOutcome?> lookup) : IPaymentReconciler
    {
        public string Method { get; } = method;

        public ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken) => ValueTask.FromResult(lookup(entry));
    }
}
