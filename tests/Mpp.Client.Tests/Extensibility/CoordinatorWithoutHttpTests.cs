using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Payments;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// The payment state machine driven by a transport other than HTTP (as MCP will drive it): <see cref="PaymentCoordinator"/>
/// from a DI container without any HTTP client, challenges from a header string or from the server without HTTP, and an
/// <see cref="IPaymentExchange"/> that has the real server judge each credential with <see cref="MppTestServer.VerifyAsync"/>.
/// </summary>
public sealed class CoordinatorWithoutHttpTests : IAsyncLifetime
{
    private static readonly Uri Tool = new("https://mcp.example.com/tools/search");
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo");
        _server.MapPaid("/tool", new PriceOption("25") { Method = "tempo" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class Host : IAsyncDisposable
    {
        public Host(RailWallet wallet, Action<MppOptions>? configure)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMpp(o =>
            {
                o.Budget.PerDay["usd"] = "100";
                configure?.Invoke(o);
            }).AddPaymentMethod(wallet);
            Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            Wallet = wallet;
        }

        public ServiceProvider Provider { get; }

        public RailWallet Wallet { get; }

        public PaymentCoordinator Coordinator => Provider.GetRequiredService<PaymentCoordinator>();

        public IPaymentLedger Ledger => Provider.GetRequiredService<IPaymentLedger>();

        public async Task<LedgerUsage> UsageAsync() => await Ledger.GetUsageAsync("usd", null, null, default);

        public async Task<IReadOnlyList<LedgerEntry>> PendingAsync() => await Provider.GetRequiredService<PaymentReconciliation>().ListPendingAsync();

        public ValueTask DisposeAsync() => Provider.DisposeAsync();
    }

    private async Task<IReadOnlyList<ChallengeParseResult>> ChallengesAsync(string path) =>
        ChallengeParser.Parse(string.Join(", ", (await _server.IssueChallengesAsync(path)).Select(c => c.ToHeaderValue())));

    [Fact]
    public async Task The_container_has_no_HTTP_client_and_the_coordinator_still_resolves()
    {
        await using var host = new Host(new RailWallet("tempo"), null);

        Assert.Null(host.Provider.GetService<IHttpClientFactory>());
        Assert.NotNull(host.Coordinator);
        Assert.Same(host.Coordinator, host.Provider.GetRequiredService<PaymentCoordinator>());
    }

    [Fact]
    public async Task A_challenge_parsed_from_a_header_string_is_paid_with_a_receipt_and_counted()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new VerifyingExchange(_server, "/tool");

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Null(outcome.Code);
        Assert.Equal(1, outcome.Rounds);
        Assert.Equal(0.25m, outcome.Quote!.DisplayAmount);
        Assert.Equal("mcp.example.com", outcome.Quote.Host);
        var payment = Assert.Single(_server.Payments);
        Assert.Equal(payment.Reference, outcome.Receipt!.Reference);
        Assert.Equal(new LedgerUsage(0m, 0.25m), await host.UsageAsync());
        var entry = Assert.Single(await ListAsync(host.Ledger));
        Assert.Equal((LedgerEntryState.Settled, payment.Reference, "mcp.example.com"), (entry.State, entry.Reference, entry.Charge.Host));
    }

    [Fact]
    public async Task A_refusal_proven_not_taken_with_fresh_challenges_is_paid_in_a_second_round()
    {
        _server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("25") { Method = "tempo" }], ForcedVerificationFailures = 1 });
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new VerifyingExchange(_server, "/flaky");

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/flaky"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(2, outcome.Rounds);
        Assert.Equal(2, host.Wallet.Created);
        Assert.NotEqual(exchange.Sent[0].Challenge.Id, exchange.Sent[1].Challenge.Id);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal(MppErrorCode.PaymentRejected, rejection.Code);
        Assert.Single(_server.Payments);
        Assert.Equal(new LedgerUsage(0m, 0.25m), await host.UsageAsync()); // the first reservation released
        Assert.Equal([LedgerEntryState.Released, LedgerEntryState.Settled], (await ListAsync(host.Ledger)).OrderBy(e => e.State == LedgerEntryState.Settled).Select(e => e.State));
    }

    [Fact]
    public async Task A_not_taken_answer_after_an_ambiguous_earlier_send_is_unknown_stays_counted_and_pays_no_second_round()
    {
        // The transport lost the first answer (the server had settled) and resent the same credential: "already used".
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new VerifyingExchange(_server, "/tool") { LoseFirstAnswer = true };

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.True(exchange.Verifications[0].Succeeded);
        Assert.False(exchange.Verifications[1].Succeeded);
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.Equal(1, outcome.Rounds);
        Assert.Equal(1, host.Wallet.Created);
        Assert.Single(exchange.Sent);
        Assert.Single(_server.Payments);
        Assert.Equal(0.25m, (await host.UsageAsync()).Total);
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await host.PendingAsync()).State);
    }

    [Fact]
    public async Task A_not_taken_answer_alone_without_fresh_challenges_releases_and_ends_rejected()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var problem = PaymentProblem.Create(PaymentProblem.TypeUri(PaymentProblemType.VerificationFailed), "Verification failed", 402);
        var exchange = new ScriptedExchange(_ => PaymentExchangeResult.Rejected(problem, notTaken: true));

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Rejected, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentRejected, outcome.Code);
        Assert.Same(problem, outcome.Problem);
        Assert.Equal(1, exchange.Sends);
        Assert.Equal(0m, (await host.UsageAsync()).Total);
    }

    [Fact]
    public async Task A_rejection_without_proof_it_was_not_taken_stays_counted()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var problem = PaymentProblem.Create(PaymentProblem.TypeUri(PaymentProblemType.PaymentInsufficient), "Insufficient", 402);
        var exchange = new ScriptedExchange(_ => PaymentExchangeResult.Rejected(problem, notTaken: false, freshChallenges: ChallengeParser.Parse("Payment id=\"x\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"e30\"")));

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(1, exchange.Sends);
        Assert.Equal(0.25m, (await host.UsageAsync()).Total);
    }

    [Fact]
    public async Task An_unknown_answer_is_an_unknown_outcome_that_stays_counted_and_pending()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new ScriptedExchange(_ => PaymentExchangeResult.Unknown("the MCP session closed before the tool answered"));

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.Contains("the MCP session closed", outcome.Reason, StringComparison.Ordinal);
        Assert.True(outcome.MoneyMayHaveMoved);
        Assert.Equal(1, exchange.Sends);
        Assert.Equal(new LedgerUsage(0.25m, 0m), await host.UsageAsync());
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await host.PendingAsync()).State);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Rounds_are_bounded_by_MaxPaymentRounds_and_every_refused_round_is_released(int maxRounds)
    {
        _server.MapPaid("/never", new PaidRouteOptions { Prices = [new PriceOption("25") { Method = "tempo" }], ForcedVerificationFailures = 100 });
        await using var host = new Host(new RailWallet("tempo"), o => o.MaxPaymentRounds = maxRounds);
        var exchange = new VerifyingExchange(_server, "/never");

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/never"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Rejected, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentRoundsExhausted, outcome.Code); // the server still asked after the last round
        Assert.Equal(maxRounds, outcome.Rounds);
        Assert.Equal(maxRounds, exchange.Sent.Count);
        Assert.Equal(maxRounds, host.Wallet.Created);
        Assert.Equal(maxRounds, _server.RejectionCount(PaymentProblemType.VerificationFailed));
        Assert.Equal(maxRounds, outcome.Rejections.Count);
        Assert.Empty(_server.Payments);
        Assert.Equal(0m, (await host.UsageAsync()).Total);
        Assert.Empty(await host.PendingAsync());
    }

    [Fact]
    public async Task EvaluateAsync_lists_every_challenge_with_a_quote_or_a_code_and_reserves_nothing()
    {
        _server.MapPaid("/big", new PriceOption("95") { Method = "tempo" });
        _server.MapPaid("/menu", new PaidRouteOptions
        {
            Prices =
            [
                new PriceOption("10") { Method = "tempo" },          // 0.95 + 0.10 > 1.00 per day
                new PriceOption("5") { Method = "tempo" },           // fits exactly
                new PriceOption("5") { Method = "stripe" },          // no wallet for it
                new PriceOption("5", "doge") { Method = "tempo" },   // an asset nobody configured
            ],
        });
        await using var host = new Host(new RailWallet("tempo"), o => o.Budget.PerDay["usd"] = "1.00");
        var paid = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/big"), new VerifyingExchange(_server, "/big"), CancellationToken.None);
        Assert.Equal(PaymentStatus.Paid, paid.Status);
        var challenges = await ChallengesAsync("/menu");
        var before = await host.UsageAsync();
        var entriesBefore = (await ListAsync(host.Ledger)).Count;

        var selection = await host.Coordinator.EvaluateAsync(new PaymentContext(Tool), challenges, CancellationToken.None);

        Assert.Equal(challenges.Count, selection.Payable.Count + selection.Rejections.Count);
        var payable = Assert.Single(selection.Payable);
        Assert.Same(payable, selection.Best);
        Assert.Equal((0.05m, "tempo"), (payable.DisplayAmount, payable.Method));
        var budget = Assert.Single(selection.Rejections, r => r.Code == MppErrorCode.BudgetExceeded);
        Assert.Equal(0.10m, budget.Quote!.DisplayTotal);
        Assert.Contains("PerDay", budget.Reason, StringComparison.Ordinal);
        Assert.Contains("0.95", budget.Reason, StringComparison.Ordinal);
        Assert.Equal(challenges[0].Challenge!.Id, budget.ChallengeId);
        Assert.Contains(selection.Rejections, r => r.Code == MppErrorCode.NoPayableChallenge && r.Method == "stripe");
        Assert.Contains(selection.Rejections, r => r.Code == MppErrorCode.PolicyRefused && r.Reason.Contains("doge", StringComparison.Ordinal));
        Assert.All(selection.Rejections, r => Assert.NotNull(r.ChallengeId));

        Assert.Equal(before, await host.UsageAsync());
        Assert.Equal(new LedgerUsage(0m, 0.95m), before);
        Assert.Equal(entriesBefore, (await ListAsync(host.Ledger)).Count);
        Assert.Equal(1, host.Wallet.Created); // only the /big payment
    }

    [Fact]
    public async Task Per_call_caps_and_client_budgets_of_the_context_apply_without_HTTP()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new VerifyingExchange(_server, "/tool");
        var context = new PaymentContext(Tool) { MaxPayment = new Dictionary<string, decimal> { ["usd"] = 0.20m } };

        var outcome = await host.Coordinator.PayAsync(context, await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
        Assert.Empty(exchange.Sent);
    }

    [Fact]
    public async Task AllowedHosts_sees_the_host_of_the_context_resource()
    {
        await using var host = new Host(new RailWallet("tempo"), o => o.AllowedHosts.Add("api.example.com"));
        var exchange = new VerifyingExchange(_server, "/tool");

        var refused = await host.Coordinator.PayAsync(new PaymentContext(Tool), await ChallengesAsync("/tool"), exchange, CancellationToken.None);
        var paid = await host.Coordinator.PayAsync(new PaymentContext(new Uri("https://api.example.com/mcp/tools/search")), await ChallengesAsync("/tool"), exchange, CancellationToken.None);

        Assert.Equal(MppErrorCode.PolicyRefused, refused.Code);
        Assert.Contains("mcp.example.com", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Paid, paid.Status);
    }

    [Fact]
    public async Task No_challenge_at_all_is_refused_as_no_payable_challenge()
    {
        await using var host = new Host(new RailWallet("tempo"), null);
        var exchange = new ScriptedExchange(_ => throw new InvalidOperationException("never sent"));

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(Tool), [], exchange, CancellationToken.None);

        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.NoPayableChallenge, outcome.Code);
        Assert.Equal(0, exchange.Sends);
    }

    private static async Task<List<LedgerEntry>> ListAsync(IPaymentLedger ledger)
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in ledger.ListAsync(new LedgerQuery(), default))
        {
            list.Add(e);
        }

        return list;
    }
}
