using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Http;

/// <summary>
/// x402 payments whose answer was lost: counted as unknown, then settled from the token's <c>authorizationState</c> when
/// the nonce was used, released once unused past <c>validBefore</c>, and left alone while the chain cannot tell.
/// </summary>
public sealed class X402ReconcilerTests : IAsyncLifetime
{
    private X402TestServer _server = null!;

    public async Task InitializeAsync() => _server = await X402TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_lost_answer_to_a_settled_payment_is_settled_from_the_chain()
    {
        _server.Map("/r", new X402TestRoute { Amount = "20000", LoseResponse = X402ResponseLoss.AfterSettlement });
        await using var payer = Payer();

        var entry = await PayAndLoseAsync(payer);
        var resolved = await ReconcileAsync(payer);

        Assert.Equal(LedgerEntryState.Settled, Assert.Single(resolved).State);
        Assert.Equal(LedgerEntryState.Settled, (await EntryAsync(payer, entry.Id)).State);
        Assert.Equal(0.02m, await payer.SpentAsync());
        Assert.Single(_server.Payments);
    }

    [Fact]
    public async Task A_lost_payment_never_settled_is_released_only_after_its_window_closed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _server.Map("/r", new X402TestRoute { Amount = "20000", MaxTimeoutSeconds = 60, LoseResponse = X402ResponseLoss.BeforeSettlement });
        await using var payer = Payer(clock);

        var entry = await PayAndLoseAsync(payer);
        clock.Advance(TimeSpan.FromSeconds(61)); // past validBefore, within the two minutes of skew
        var early = await ReconcileAsync(payer);
        clock.Advance(TimeSpan.FromMinutes(2));
        var late = await ReconcileAsync(payer);

        Assert.Empty(early);
        Assert.Equal(LedgerEntryState.Released, Assert.Single(late).State);
        Assert.Equal(LedgerEntryState.Released, (await EntryAsync(payer, entry.Id)).State);
        Assert.Equal(0m, await payer.SpentAsync());
        Assert.Empty(_server.Payments);
    }

    [Fact]
    public async Task Without_an_RPC_endpoint_for_the_chain_or_with_a_node_that_cannot_answer_the_entry_stays_unknown()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _server.Map("/r", new X402TestRoute { Amount = "20000", LoseResponse = X402ResponseLoss.BeforeSettlement });
        await using var noRpc = X402Payer.Create(NoRetriesOnAFakeClock(clock), time: clock);
        await using var deadRpc = X402Payer.Create(NoRetriesOnAFakeClock(clock), x402: o => o.Rpc["84532"] = "http://127.0.0.1:9/", time: clock);
        await using var wrongRpc = X402Payer.Create(NoRetriesOnAFakeClock(clock), x402: o => o.Rpc["84532"] = _server.Url("/r").ToString(), time: clock); // answers 402, not JSON-RPC

        foreach (var payer in new[] { noRpc, deadRpc, wrongRpc })
        {
            var entry = await PayAndLoseAsync(payer);
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Empty(await ReconcileAsync(payer));
            Assert.Equal(LedgerEntryState.Unknown, (await EntryAsync(payer, entry.Id)).State);
            Assert.Equal(0.02m, await payer.SpentAsync());
        }
    }

    [Fact]
    public async Task An_invalid_RPC_setting_is_reported_at_start_without_the_URL()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => X402Payer.Create(x402: o =>
        {
            o.Rpc["base"] = "https://node.example/key-123";
            o.Rpc["8453"] = "ftp://node.example/key-456";
        }));

        Assert.Contains("Rpc:base is not a chain id", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rpc:8453 is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("key-", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eip155:84532:0x1111111111111111111111111111111111111111:0x" + "ab" + "00000000000000000000000000000000000000000000000000000000000000")] // the older reference: no asset, no validBefore
    [InlineData("eip155:84532:0x1111111111111111111111111111111111111111:0xzz:0x036cbd53842c5426634e7929541ec2318f3dcf7e:1")]
    [InlineData("")]
    [InlineData(null)]
    public void A_reference_the_wallet_did_not_write_is_not_looked_up(string? reference)
    {
        Assert.Null(Mpp.Client.X402.Internal.X402AuthorizationReference.TryParse(reference));
    }

    private X402Payer Payer(TimeProvider? time = null) =>
        X402Payer.Create(NoRetriesOnAFakeClock(time), x402: o => o.Rpc["84532"] = _server.RpcEndpoint.ToString(), time: time);

    private static Action<MppOptions>? NoRetriesOnAFakeClock(TimeProvider? time) => time is null ? null : o => o.Retry.MaxRetryAttempts = 0;

    /// <summary>
    /// Pays a route that drops its answer. The handler resends the same payment after the dropped connection (retries
    /// are on unless a test's fake clock would hold their backoff): the route drops it again (before settlement) or
    /// refuses its used nonce with a 402 (after) — either way the outcome is unknown and the amount stays counted.
    /// </summary>
    private async Task<LedgerEntry> PayAndLoseAsync(X402Payer payer)
    {
        try
        {
            using var response = await payer.Http.GetAsync(_server.Url("/r"));
            Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, response.StatusCode);
        }
        catch (Mpp.Client.Http.PaymentException e)
        {
            Assert.IsType<HttpRequestException>(e.InnerException); // the typed "no definite answer" of a dropped connection
        }

        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal(LedgerEntryState.Unknown, entry.State);
        return entry;
    }

    private static async Task<IReadOnlyList<LedgerEntry>> ReconcileAsync(X402Payer payer) =>
        await payer.Provider.GetRequiredService<PaymentReconciliation>().ReconcileAsync(TimeSpan.Zero);

    private static async Task<LedgerEntry> EntryAsync(X402Payer payer, Guid id) => (await payer.EntriesAsync()).Single(e => e.Id == id);
}
