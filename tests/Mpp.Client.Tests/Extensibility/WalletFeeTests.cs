using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A wallet that pays a network or routing fee on top of the amount (Tempo gas, a Lightning routing fee): the fee bound
/// is declared in the terms, counted by every cap like the amount, and trued up to the fee actually paid on settlement.
/// </summary>
public sealed class WalletFeeTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo");
        _server.MapPaid("/fee", new PriceOption("100") { Method = "tempo" }); // 1.00 usd
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static RailWallet FeeWallet(string feeCurrency = "usd", int maxFee = 5, Func<PaymentAttempt, CancellationToken, ValueTask<PaymentPayload>>? create = null) =>
        new("tempo") { Terms = c => RailWallet.ChargeTerms(c, new PaymentFee(maxFee, feeCurrency)), Create = create };

    [Fact]
    public async Task The_quote_shows_the_fee_and_the_total_the_budget_counts()
    {
        await using var host = RailHost.Create(FeeWallet());
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/fee")).SetPaymentMode(PaymentMode.QuoteOnly);

        using var response = await host.Http.SendAsync(request);

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Quoted, outcome.Status);
        Assert.Equal(1.00m, outcome.Quote!.DisplayAmount);
        Assert.Equal(0.05m, outcome.Quote.DisplayFee);
        Assert.Equal(1.05m, outcome.Quote.DisplayTotal);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_per_request_cap_between_the_amount_and_the_total_refuses_and_names_the_cap()
    {
        var wallet = FeeWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerRequest["usd"] = "1.02");

        using var response = await host.Http.GetAsync(_server.Url("/fee"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
        Assert.Contains("PerRequest", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("1.02", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("1.05", outcome.Reason, StringComparison.Ordinal);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal(1.05m, rejection.Quote!.DisplayTotal);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task The_budget_counts_the_fee_bound_while_pending_and_the_actual_fee_once_settled()
    {
        LedgerUsage? whilePending = null;
        RailHost? host = null;
        var wallet = FeeWallet(create: async (attempt, ct) =>
        {
            whilePending = await host!.UsageAsync();
            await attempt.MarkFundsMovingAsync("0xfee", ct);
            attempt.ReportActualFee(2); // 2 cents of the 5 declared
            return RailWallet.Payload(attempt);
        });
        host = RailHost.Create(wallet, o => o.Budget.PerRequest["usd"] = "1.05");
        await using var _ = host;

        using var response = await host.Http.GetAsync(_server.Url("/fee"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new LedgerUsage(1.05m, 0m), whilePending);
        Assert.Equal(new LedgerUsage(0m, 1.02m), await host.UsageAsync());
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal(LedgerEntryState.Settled, entry.State);
        Assert.Equal(1.02m, entry.Amount);
        Assert.Equal(2, wallet.Attempts.Single().ActualFee);
        var budget = Assert.Single(await host.Provider.GetRequiredService<SpendingPolicy>().GetBudgetAsync());
        Assert.Equal(1.02m, budget.Spent);
    }

    [Fact]
    public async Task Without_a_reported_fee_the_declared_bound_stays_counted()
    {
        await using var host = RailHost.Create(FeeWallet());

        using var response = await host.Http.GetAsync(_server.Url("/fee"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new LedgerUsage(0m, 1.05m), await host.UsageAsync());
    }

    [Fact]
    public async Task The_freed_part_of_the_fee_bound_can_be_spent_again_within_a_window()
    {
        // 3.10 per day: three payments at the fee bound (3 x 1.05) would not fit; trued up to the fee paid (3 x 1.00) they do.
        var wallet = FeeWallet(create: (attempt, _) =>
        {
            attempt.ReportActualFee(0);
            return ValueTask.FromResult(RailWallet.Payload(attempt));
        });
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["usd"] = "3.10");

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Http.GetAsync(_server.Url("/fee"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3.00m, await host.CountedAsync());
        Assert.Equal(3, _server.Payments.Count);
    }

    [Fact]
    public async Task A_fee_in_an_asset_of_the_same_unit_is_converted_with_that_assets_decimals()
    {
        // The amount in pathUSD (6 decimals, counted as usd), the fee bound in usd cents.
        _server.MapPaid("/path", new PriceOption("1000000", AssetRegistry.PathUsd) { Method = "tempo" });
        var wallet = FeeWallet(create: (attempt, _) =>
        {
            attempt.ReportActualFee(1);
            return ValueTask.FromResult(RailWallet.Payload(attempt));
        });
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/path"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var quote = response.GetPaymentOutcome()!.Quote!;
        Assert.Equal(1.00m, quote.DisplayAmount);
        Assert.Equal(0.05m, quote.DisplayFee);
        Assert.Equal(1.01m, await host.CountedAsync());
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("sat")]
    [InlineData("gas-token-nobody-configured")]
    public async Task A_fee_that_does_not_count_in_the_unit_of_the_amount_is_refused(string feeCurrency)
    {
        var wallet = FeeWallet(feeCurrency);
        await using var host = RailHost.Create(wallet, o =>
        {
            o.Budget.PerDay["eur"] = "100";
            o.Budget.PerDay["sat"] = "100000";
        });

        using var response = await host.Http.GetAsync(_server.Url("/fee"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.PolicyRefused, outcome.Code);
        Assert.Contains(feeCurrency, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Equal(0m, await host.CountedAsync("eur"));
    }
}
