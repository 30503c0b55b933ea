using System.Globalization;
using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A wallet that needs I/O to read terms (a Lightning node's route fee, a chain's gas price): the flow awaits
/// <see cref="IPaymentMethod.ReadTermsAsync"/>, checks what it returns, and honours cancellation while it waits.
/// </summary>
public sealed class AsyncTermsTests : IAsyncLifetime
{
    private MppTestServer _server = null!;
    private HttpClient _node = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("lightning");
        _server.MapPaid("/invoice", new PriceOption("1000", "sat") { Method = "lightning" });
        _server.MapFree("/node/route-fee", "7"); // the "node": what routing the invoice would cost, in sat
        _node = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _node.Dispose();
        await _server.DisposeAsync();
    }

    private RailWallet NodeWallet() => new("lightning")
    {
        Terms = _ => throw new NotSupportedException("this wallet reads terms only asynchronously"),
        TermsAsync = async (challenge, ct) =>
        {
            var fee = long.Parse(await _node.GetStringAsync(new Uri("/node/route-fee", UriKind.Relative), ct), CultureInfo.InvariantCulture);
            return RailWallet.ChargeTerms(challenge, new PaymentFee(fee, "sat"));
        },
    };

    [Fact]
    public async Task Terms_read_with_a_loopback_call_are_the_terms_quoted_and_paid()
    {
        var wallet = NodeWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["sat"] = "100000");

        using var response = await host.Http.GetAsync(_server.Url("/invoice"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var quote = response.GetPaymentOutcome()!.Quote!;
        Assert.Equal(1000m, quote.DisplayAmount);
        Assert.Equal(7m, quote.DisplayFee);
        Assert.Equal("sat", quote.Unit);
        Assert.Equal(1007m, await host.CountedAsync("sat"));
        Assert.Contains(_server.Requests, r => r.Path == "/node/route-fee");
        Assert.Equal(7, wallet.Attempts.Single().Quote.Terms.Fee!.MaxAmount);
    }

    [Fact]
    public async Task Terms_read_asynchronously_are_checked_by_the_policy_like_any_other()
    {
        var wallet = NodeWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerRequest["sat"] = "1005");

        using var response = await host.Http.GetAsync(_server.Url("/invoice"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
        Assert.Contains("1007", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
    }

    [Fact]
    public async Task A_delayed_read_is_awaited_and_QuoteOnly_uses_it_too()
    {
        var wallet = new RailWallet("lightning")
        {
            TermsAsync = async (challenge, ct) =>
            {
                await Task.Delay(50, ct);
                return RailWallet.ChargeTerms(challenge, new PaymentFee(3, "sat"));
            },
        };
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["sat"] = "100000");
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/invoice")).SetPaymentMode(PaymentMode.QuoteOnly);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(1003m, response.GetPaymentOutcome()!.Quote!.DisplayTotal);
        Assert.Equal(1, wallet.TermsRead);
        Assert.Empty(wallet.Attempts);
    }

    [Fact]
    public async Task Unusable_terms_from_an_async_read_are_an_invalid_challenge()
    {
        var wallet = new RailWallet("lightning")
        {
            TermsAsync = async (_, ct) =>
            {
                await Task.Yield();
                throw new MppException(MppErrorCode.InvalidChallenge, "the invoice is for another network");
            },
        };
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["sat"] = "100000");

        using var response = await host.Http.GetAsync(_server.Url("/invoice"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal(MppErrorCode.InvalidChallenge, rejection.Code);
        Assert.Contains("another network", rejection.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
    }

    [Fact]
    public async Task Cancelling_while_terms_are_read_cancels_the_call_and_reserves_nothing()
    {
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wallet = new RailWallet("lightning")
        {
            TermsAsync = async (challenge, ct) =>
            {
                reading.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return RailWallet.ChargeTerms(challenge);
            },
        };
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["sat"] = "100000");
        using var cts = new CancellationTokenSource();

        var call = host.Http.GetAsync(_server.Url("/invoice"), cts.Token);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(wallet.Attempts);
        Assert.Empty(await host.EntriesAsync());
    }

    [Fact]
    public async Task The_coordinator_reads_terms_asynchronously_without_HTTP()
    {
        var wallet = NodeWallet();
        await using var host = RailHost.Create(wallet, o => o.Budget.PerDay["sat"] = "100000");
        var challenges = ChallengeParser.Parse((await _server.IssueChallengesAsync("/invoice")).Select(c => c.ToHeaderValue()));

        var selection = await host.Coordinator.EvaluateAsync(new PaymentContext(new Uri("https://mcp.example.com/tools/invoice")), challenges, CancellationToken.None);

        Assert.Equal(1007m, selection.Best!.DisplayTotal);
        Assert.Equal("mcp.example.com", selection.Best.Host);
    }
}
