using System.Collections.Concurrent;
using ModelContextProtocol;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Mcp;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Tests;

/// <summary>The approver and the observers an agent registered for HTTP see MCP payments too, with the same quote.</summary>
public sealed class PolicyTests : IAsyncLifetime
{
    private McpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await McpTestServer.StartAsync();
        _server.AddTool(new McpTestTool("search", new PriceOption("25")));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_approver_that_denies_refuses_the_call_with_its_reason_and_nothing_is_signed()
    {
        var approver = new Approver(approve: false);
        await using var payer = new Payer(build: b => b.AddApprover(approver));
        await using var client = await payer.ConnectAsync(payer.Http(_server));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("search"));

        var failure = error.GetPaymentFailure()!;
        Assert.Equal((PaymentStatus.Refused, MppErrorCode.ApprovalDenied), (failure.Status, failure.Code));
        Assert.Contains("not today", failure.Reason, StringComparison.Ordinal);
        var quote = Assert.Single(approver.Seen);
        Assert.Equal((0.25m, "usd", "test"), (quote.DisplayAmount, quote.Unit, quote.Method));
        Assert.Equal(0, payer.Wallet.PayloadsCreated);
        Assert.Equal(0, _server.CredentialsReceived);
    }

    [Fact]
    public async Task Observers_see_the_challenge_the_credential_and_the_receipt_of_an_MCP_payment()
    {
        var observer = new Observer();
        await using var payer = new Payer(build: b => b.AddApprover(new Approver(approve: true)).AddObserver(observer));
        await using var client = await payer.ConnectAsync(payer.Http(_server));

        var result = await client.CallToolAsync("search");

        Assert.Equal(["challenge " + _server.Endpoint + "/tools/search", "credential 0.25 usd", "paid " + result.GetPaymentReceipt()!.Reference], observer.Events);
    }

    private sealed class Approver(bool approve) : IPaymentApprover
    {
        public ConcurrentQueue<PaymentQuote> Seen { get; } = new();

        public ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            Seen.Enqueue(quote);
            return new(approve ? ApprovalDecision.Approve() : ApprovalDecision.Deny("not today"));
        }
    }

    private sealed class Observer : IPaymentObserver
    {
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyList<string> Events => [.. _events];

        public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken)
        {
            _events.Enqueue("challenge " + requestUri);
            return default;
        }

        public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            _events.Enqueue($"credential {quote.DisplayAmount} {quote.Unit}");
            return default;
        }

        public ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken)
        {
            _events.Enqueue("paid " + receipt?.Reference);
            return default;
        }
    }
}
