using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// The payment's extension points (approver, observers) never run on the session's message pump: while one of them holds
/// its thread, answers to other calls of the same session still arrive. Were a hook run on the pump, the free call below
/// could not be answered until the hook returned, and the hook waits for that answer.
/// </summary>
public sealed class HandOffTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadlock = TimeSpan.FromSeconds(30);
    private McpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await McpTestServer.StartAsync();
        _server.AddTool(new McpTestTool("search", new PriceOption("25")));
        _server.AddTool(new McpTestTool("echo"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> Hooks => new()
    {
        { "challenge", "http" }, { "approve", "http" }, { "credential", "http" }, { "paid", "http" },
        { "challenge", "streams" }, { "paid", "streams" },
    };

    [Theory]
    [MemberData(nameof(Hooks))]
    public async Task A_hook_that_holds_its_thread_does_not_hold_the_answers_to_other_calls(string hook, string transport)
    {
        var blocker = new Blocker(hook);
        await using var payer = new Payer(build: b => b.AddApprover(blocker).AddObserver(blocker));
        await using var client = await payer.ConnectAsync(transport == "http" ? payer.Http(_server) : _server.CreateInProcessTransport());

        var paid = client.CallToolAsync("search").AsTask();
        await blocker.Entered.WaitAsync(Deadlock);
        var free = await client.CallToolAsync("echo").AsTask().WaitAsync(Deadlock); // answered while the hook holds its thread
        blocker.Release.Set();
        var result = await paid.WaitAsync(Deadlock);

        Assert.Equal("echo ok", Assert.IsType<TextContentBlock>(Assert.Single(free.Content)).Text);
        Assert.True(blocker.ReleasedInTime);
        Assert.NotNull(result.GetPaymentReceipt());
        Assert.Single(_server.Payments.Payments);
    }

    /// <summary>Blocks its thread (no await) in one hook until released.</summary>
    private sealed class Blocker(string hook) : IPaymentObserver, IPaymentApprover
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public ManualResetEventSlim Release { get; } = new();

        public bool ReleasedInTime { get; private set; }

        public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken) => Hold("challenge");

        public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken) => Hold("credential");

        public ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken) => Hold("paid");

        public async ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            await Hold("approve");
            return ApprovalDecision.Approve();
        }

        private ValueTask Hold(string at)
        {
            if (at == hook)
            {
                _entered.TrySetResult();
                ReleasedInTime = Release.Wait(Deadlock);
            }

            return default;
        }
    }
}
