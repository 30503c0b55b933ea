using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A session's escrow deposit (<see cref="PaymentKind.Deposit"/>): per-request caps are for one-time charges, so they do not
/// refuse a deposit; rolling and lifetime caps count it like a charge.
/// </summary>
public sealed class DepositKindTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo");
        _server.MapPaid("/open", new PriceOption("500") { Method = "tempo", Intent = "session" }); // 5.00 usd deposit
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static RailWallet SessionWallet() => new("tempo", "session") { Terms = c => RailWallet.ChargeTerms(c, kind: PaymentKind.Deposit) };

    [Fact]
    public async Task A_per_request_cap_below_the_deposit_does_not_refuse_it()
    {
        var wallet = SessionWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerRequest["usd"] = "0.50");

        using var response = await host.Http.GetAsync(_server.Url("/open"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(PaymentKind.Deposit, outcome.Quote!.Kind);
        Assert.Equal(5.00m, await host.CountedAsync());
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal(PaymentKind.Deposit, entry.Charge.Kind);
        Assert.Equal("session", entry.Charge.Intent);
    }

    [Fact]
    public async Task The_same_per_request_cap_refuses_a_charge_of_that_amount()
    {
        // The control: only the kind differs.
        _server.MapPaid("/charge", new PriceOption("500") { Method = "tempo" });
        var wallet = new RailWallet("tempo");
        await using var host = RailHost.Create(wallet, o => o.Budget.PerRequest["usd"] = "0.50");

        using var response = await host.Http.GetAsync(_server.Url("/charge"));

        Assert.Equal(MppErrorCode.BudgetExceeded, response.GetPaymentOutcome()!.Code);
        Assert.Empty(wallet.Attempts);
    }

    [Fact]
    public async Task A_daily_cap_below_the_deposit_refuses_it()
    {
        var wallet = SessionWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["usd"] = "4.99");

        using var response = await host.Http.GetAsync(_server.Url("/open"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
        Assert.Contains("PerDay", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_per_request_cap_alone_does_not_make_a_deposit_capped()
    {
        // Per-request caps do not apply to deposits, so with no rolling or lifetime cap a deposit would be unbounded:
        // the unit must count as uncapped for it (refused unless AllowUncappedUnits).
        var wallet = SessionWallet();
        await using var host = RailHost.Create(wallet, o =>
        {
            o.Budget.PerDay.Clear();
            o.Budget.PerRequest["usd"] = "0.50";
        });

        using var response = await host.Http.GetAsync(_server.Url("/open"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.PolicyRefused, outcome.Code);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_pending_deposit_tops_up_within_the_caps_and_closes_at_what_was_spent()
    {
        // The ledger calls a session rail makes for a deposit it keeps pending: top up (checked against the caps), then
        // close at what the vouchers spent, which releases the rest.
        await using var host = RailHost.Create(SessionWallet());
        var limits = new[] { new SpendingLimit("PerDay", "usd", 8m, TimeSpan.FromDays(1)) };
        var charge = new LedgerCharge("usd", 5.00m, "127.0.0.1") { Method = "tempo", Intent = "session", Kind = PaymentKind.Deposit };

        var reserved = await host.Ledger.ReserveAsync(charge, limits, default);
        await host.Ledger.MarkSentAsync(reserved.Id, "0xchannel", default);
        var tooMuch = await host.Ledger.AdjustAsync(reserved.Id, 8.01m, limits, default);
        var toppedUp = await host.Ledger.AdjustAsync(reserved.Id, 7.00m, limits, default);
        var whileOpen = await host.UsageAsync();
        await host.Ledger.CompleteAsync(reserved.Id, LedgerOutcome.Settled, "close-tx", 1.25m, default);

        Assert.True(reserved.Succeeded);
        Assert.False(tooMuch.Succeeded);
        Assert.Equal("PerDay", tooMuch.RefusedBy!.Name);
        Assert.True(toppedUp.Succeeded);
        Assert.Equal(new LedgerUsage(7.00m, 0m), whileOpen);
        Assert.Equal(new LedgerUsage(0m, 1.25m), await host.UsageAsync());
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal((LedgerEntryState.Settled, 1.25m, "0xchannel", "close-tx"), (entry.State, entry.Amount, entry.WalletReference, entry.Reference));
    }

    [Fact]
    public async Task The_unspent_part_of_a_deposit_paid_through_the_flow_can_be_released_when_the_session_closes()
    {
        await using var host = RailHost.Create(SessionWallet());
        using var response = await host.Http.GetAsync(_server.Url("/open"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deposit = Assert.Single(await host.EntriesAsync());
        Assert.Equal(LedgerEntryState.Sent, deposit.State); // open: locked, not settled
        Assert.Equal(deposit.Id, response.GetPaymentOutcome()!.LedgerEntryId);

        // The session closes having spent 1.25 of the 5.00 deposit.
        await host.Ledger.CompleteAsync(deposit.Id, LedgerOutcome.Settled, null, 1.25m, default);

        Assert.Equal(1.25m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_voucher_paid_from_a_counted_deposit_meets_per_request_caps_but_not_the_rolling_cap_nor_the_approvers()
    {
        // A channel's 5.00 deposit fills the daily cap; a 0.05 voucher paid from it must still go through (the money is
        // already counted), with its parent recorded, and no approver asked again.
        _server.MapPaid("/metered", new PriceOption("5") { Method = "tempo", Intent = "session" });
        var approvals = 0;
        Guid depositId = Guid.Empty;
        var wallet = new RailWallet("tempo", "session") { Terms = c => Within(c, depositId) };
        await using var host = RailHost.Create(wallet, o => { o.Budget.PerDay["usd"] = "5.00"; o.Budget.PerRequest["usd"] = "0.50"; },
            b => b.AddApprover(new CountingApprover(() => Interlocked.Increment(ref approvals))));
        var deposit = await host.Ledger.ReserveAsync(new LedgerCharge("usd", 5.00m, "127.0.0.1") { Kind = PaymentKind.Deposit }, [], default);
        depositId = deposit.Id;

        using var response = await host.Http.GetAsync(_server.Url("/metered"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, approvals);
        var voucher = Assert.Single(await host.EntriesAsync(), e => e.Id != depositId);
        Assert.Equal((LedgerEntryState.Settled, 0.05m, (Guid?)depositId), (voucher.State, voucher.Amount, voucher.Charge.ParentId));
    }

    [Fact]
    public async Task A_voucher_paid_from_a_deposit_is_still_refused_by_a_per_request_cap()
    {
        _server.MapPaid("/dear", new PriceOption("100") { Method = "tempo", Intent = "session" });
        var wallet = new RailWallet("tempo", "session") { Terms = c => Within(c, Guid.NewGuid()) };
        await using var host = RailHost.Create(wallet, o => o.Budget.PerRequest["usd"] = "0.50");

        using var response = await host.Http.GetAsync(_server.Url("/dear"));

        Assert.Equal(MppErrorCode.BudgetExceeded, response.GetPaymentOutcome()!.Code);
        Assert.Empty(wallet.Attempts);
        Assert.Empty(wallet.Answers);
    }

    [Fact]
    public async Task The_wallet_is_told_each_answer_to_a_credential_it_created()
    {
        var wallet = SessionWallet();
        await using var host = RailHost.Create(wallet);

        using var paid = await host.Http.GetAsync(_server.Url("/open"));
        var refusing = new RailWallet("tempo", "session")
        {
            Terms = c => RailWallet.ChargeTerms(c, kind: PaymentKind.Deposit),
            Create = (a, _) => ValueTask.FromResult(new PaymentPayload(RailWallet.Json("""{"token":"wrong"}"""))),
        };
        await using var other = RailHost.Create(refusing, o => o.MaxPaymentRounds = 1);
        using var rejected = await other.Http.GetAsync(_server.Url("/open"));

        var (attempt, result) = Assert.Single(wallet.Answers);
        Assert.Same(wallet.Attempts[0], attempt);
        Assert.Equal(PaymentExchangeStatus.Accepted, result.Status);
        Assert.NotNull(result.Receipt);
        var answer = Assert.Single(refusing.Answers);
        Assert.Equal(PaymentExchangeStatus.Rejected, answer.Result.Status);
        Assert.True(answer.Result.NotTaken);
    }

    private static PaymentTerms Within(Mpp.Client.Protocol.Challenge challenge, Guid deposit)
    {
        var t = PaymentTerms.FromChargeRequest(challenge);
        return new PaymentTerms(t.Amount, t.Currency, t.Recipient) { DepositEntryId = deposit };
    }

    private sealed class CountingApprover(Action onCall) : Mpp.Client.Policy.IPaymentApprover
    {
        public ValueTask<Mpp.Client.Policy.ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            onCall();
            return ValueTask.FromResult(Mpp.Client.Policy.ApprovalDecision.Approve());
        }
    }

    [Theory]
    [InlineData(MppErrorCode.PolicyRefused)]
    [InlineData(MppErrorCode.BudgetExceeded)]
    public async Task A_wallet_that_reads_the_terms_and_refuses_them_keeps_its_code(MppErrorCode code)
    {
        var wallet = new RailWallet("tempo", "session") { Terms = _ => throw new MppException(code, "The escrow is not one this wallet trusts.") };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/open"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(code, outcome.Code);
        Assert.Contains("The escrow is not one this wallet trusts.", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
    }
}
