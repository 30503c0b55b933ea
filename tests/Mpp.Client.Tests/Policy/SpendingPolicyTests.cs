using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Policy;

public sealed class SpendingPolicyTests
{
    private static readonly Uri Api = new("https://api.example.com/paid");

    private static Challenge ChallengeFor(string amount, string currency, string recipient = "acct_1", string method = "test") =>
        Challenge.Create("ch_1", "api.example.com", method, "charge",
            JsonDocument.Parse($$"""{"amount":"{{amount}}","currency":"{{currency}}","recipient":"{{recipient}}"}""").RootElement);

    private static (SpendingPolicy Policy, InMemoryPaymentLedger Ledger, MutableOptionsMonitor<MppOptions> Options) Create(MppOptions options, params IPaymentApprover[] approvers)
    {
        var ledger = new InMemoryPaymentLedger(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50)));
        var monitor = new MutableOptionsMonitor<MppOptions>(options);
        return (new SpendingPolicy(monitor, ledger, approvers), ledger, monitor);
    }

    private static PaymentQuote? Quote(SpendingPolicy policy, Challenge c, out string? refusal)
    {
        var quote = policy.TryQuote(c, PaymentTerms.FromChargeRequest(c), Api, null, out var rejection);
        refusal = rejection?.Reason;
        return quote;
    }

    private static MppOptions UsdBudget(string perRequest = "1", string perDay = "5") => new()
    {
        Budget = new BudgetOptions
        {
            PerRequest = new() { ["usd"] = perRequest },
            PerDay = new() { ["usd"] = perDay },
        },
    };

    [Fact]
    public void PathUsd_is_counted_as_usd_with_six_decimals_exactly()
    {
        var (policy, _, _) = Create(UsdBudget());
        var quote = Quote(policy, ChallengeFor("123457", AssetRegistry.PathUsd.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)), out var refusal);
        Assert.Null(refusal);
        Assert.Equal(0.123457m, quote!.DisplayAmount);
        Assert.Equal("usd", quote.Unit);
        Assert.Equal(6, quote.Asset.Decimals);
    }

    [Theory]
    [InlineData("100", "usd", 1.00)]
    [InlineData("100", "USD", 1.00)]
    [InlineData("100", "jpy", 100)]
    [InlineData("1000", "kwd", 1.000)]
    [InlineData("21000", "sat", 21000)]
    public void Iso_currencies_and_sat_use_their_minor_units(string amount, string currency, double expected)
    {
        var options = new MppOptions { AllowUncappedUnits = true };
        var (policy, _, _) = Create(options);
        var quote = Quote(policy, ChallengeFor(amount, currency), out var refusal);
        Assert.Null(refusal);
        Assert.Equal((decimal)expected, quote!.DisplayAmount);
    }

    [Fact]
    public void Unknown_assets_are_refused_until_configured()
    {
        var options = UsdBudget();
        var (policy, _, monitor) = Create(options);
        Assert.Null(Quote(policy, ChallengeFor("5", "0x20c0000000000000000000000000000000000001"), out var refusal));
        Assert.Contains("unknown", refusal, StringComparison.OrdinalIgnoreCase);

        var reloaded = UsdBudget();
        reloaded.Assets["0x20c0000000000000000000000000000000000001"] = new AssetOptions { Decimals = 6, Unit = "usd" };
        monitor.CurrentValue = reloaded; // a live reload
        Assert.NotNull(Quote(policy, ChallengeFor("5", "0x20c0000000000000000000000000000000000001"), out _));
    }

    [Fact]
    public void Per_request_cap_allow_lists_and_uncapped_units_are_enforced_before_anything_is_signed()
    {
        var options = UsdBudget(perRequest: "0.50");
        options.AllowedRecipients.Add("acct_ok");
        options.AllowedMethods.Add("test/charge");
        options.AllowedHosts.Add("*.example.com");
        var (policy, _, _) = Create(options);

        Assert.NotNull(Quote(policy, ChallengeFor("50", "usd", "acct_ok"), out _));
        Assert.Null(Quote(policy, ChallengeFor("51", "usd", "acct_ok"), out var tooMuch));
        Assert.Contains("PerRequest", tooMuch, StringComparison.Ordinal);
        Assert.Null(Quote(policy, ChallengeFor("10", "usd", "acct_evil"), out var recipient));
        Assert.Contains("AllowedRecipients", recipient, StringComparison.Ordinal);
        Assert.Null(Quote(policy, ChallengeFor("10", "usd", "acct_ok", method: "tempo"), out var method));
        Assert.Contains("AllowedMethods", method, StringComparison.Ordinal);
        Assert.Null(Quote(policy, ChallengeFor("10", "eur", "acct_ok"), out var uncapped));
        Assert.Contains("No budget cap", uncapped, StringComparison.Ordinal);
        Assert.Null(policy.TryQuote(ChallengeFor("10", "usd", "acct_ok"), PaymentTerms.FromChargeRequest(ChallengeFor("10", "usd", "acct_ok")), new Uri("https://example.com/x"), null, out var apex));
        Assert.Contains("AllowedHosts", apex!.Reason, StringComparison.Ordinal);
        Assert.Equal(MppErrorCode.PolicyRefused, apex.Code);
    }

    [Fact]
    public void Amounts_beyond_decimal_range_are_refused_not_overflowed()
    {
        var (policy, _, _) = Create(new MppOptions { AllowUncappedUnits = true });
        Assert.Null(Quote(policy, ChallengeFor(new string('9', 40), "usd"), out var refusal));
        Assert.Contains("too large", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_reserves_and_a_vetoing_approver_releases_the_reservation()
    {
        var approver = new VetoAbove(0.30m);
        var (policy, ledger, _) = Create(UsdBudget(perDay: "1"), approver);
        var cheap = Quote(policy, ChallengeFor("20", "usd"), out _)!;
        var dear = Quote(policy, ChallengeFor("40", "usd"), out _)!;

        var ok = await policy.AuthorizeAsync(cheap, null, default);
        var vetoed = await policy.AuthorizeAsync(dear, null, default);

        Assert.True(ok.Approved);
        Assert.False(vetoed.Approved);
        Assert.Equal(MppErrorCode.ApprovalDenied, vetoed.Code);
        Assert.Equal(0.20m, await ledger.GetSpentAsync("usd", null, TimeSpan.FromDays(1), default));
        var budget = await policy.GetBudgetAsync();
        Assert.Equal(0.80m, Assert.Single(budget).Remaining);
    }

    [Fact]
    public async Task Authorize_refuses_when_the_daily_cap_would_be_exceeded()
    {
        var (policy, _, _) = Create(UsdBudget(perDay: "0.30"));
        var quote = Quote(policy, ChallengeFor("20", "usd"), out _)!;
        Assert.True((await policy.AuthorizeAsync(quote, null, default)).Approved);
        var second = await policy.AuthorizeAsync(quote, null, default);
        Assert.False(second.Approved);
        Assert.Equal(MppErrorCode.BudgetExceeded, second.Code);
        Assert.Contains("PerDay cap of 0.30 usd", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_built_from_a_callers_monitor_validates_it_and_keeps_the_last_valid_value_in_force()
    {
        var invalid = UsdBudget(perRequest: "1.O");
        var ex = Assert.Throws<OptionsValidationException>(() => Create(invalid));
        Assert.Contains("Mpp:Budget:PerRequest:usd = '1.O'", Assert.Single(ex.Failures), StringComparison.Ordinal);

        var (policy, _, monitor) = Create(UsdBudget(perRequest: "1"));
        monitor.CurrentValue = invalid; // an invalid live value: the last valid one stays in force
        Assert.NotNull(Quote(policy, ChallengeFor("50", "usd"), out _));
        monitor.CurrentValue = UsdBudget(perRequest: "0.20"); // the next valid value applies
        Assert.Null(Quote(policy, ChallengeFor("50", "usd"), out var refusal));
        Assert.Contains("PerRequest cap of 0.20", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_budget_from_a_callers_monitor_keeps_its_last_valid_value_in_force()
    {
        var ledger = new InMemoryPaymentLedger(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50)));
        var budgets = new MutableOptionsMonitor<BudgetOptions>(new BudgetOptions { PerRequest = new() { ["usd"] = "0.40" } });
        var policy = new SpendingPolicy(new MutableOptionsMonitor<MppOptions>(UsdBudget()), ledger, [], budgets);
        var challenge = ChallengeFor("50", "usd");
        Assert.Null(policy.TryQuote(challenge, PaymentTerms.FromChargeRequest(challenge), Api, "writer", out var refusal));
        Assert.Contains("Clients[writer].PerRequest cap of 0.40", refusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(MppErrorCode.BudgetExceeded, refusal.Code);

        budgets.CurrentValue = new BudgetOptions { PerRequest = new() { ["usd"] = "lots" } };
        Assert.Null(policy.TryQuote(challenge, PaymentTerms.FromChargeRequest(challenge), Api, "writer", out refusal));
        Assert.Contains("cap of 0.40", refusal!.Reason, StringComparison.Ordinal);

        budgets.CurrentValue = new BudgetOptions { PerRequest = new() { ["usd"] = "0.60" } };
        Assert.NotNull(policy.TryQuote(challenge, PaymentTerms.FromChargeRequest(challenge), Api, "writer", out _));
        Assert.Empty(await policy.GetClientBudgetAsync("writer")); // a per-request cap is no rolling limit
    }

    private sealed class VetoAbove(decimal max) : IPaymentApprover
    {
        public async ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return quote.DisplayAmount <= max ? ApprovalDecision.Approve() : ApprovalDecision.Deny("above the veto line");
        }
    }
}
