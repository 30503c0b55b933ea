using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Mcp;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// Refused credentials, in the shapes real servers send: the draft's <c>-32043</c> with a fresh challenge (re-paid, the
/// first amount released), mppx's <c>isError</c> tool result (no proof: counted, not paid again), a challenge in a tool
/// result's <c>_meta</c>, and a payment whose answer never comes (unknown: counted, never paid twice).
/// </summary>
public sealed class RejectionTests
{
    [Fact]
    public async Task A_verification_failure_with_a_fresh_challenge_is_paid_in_a_second_round_and_the_first_released()
    {
        await using var server = await McpTestServer.StartAsync();
        server.AddTool(new McpTestTool("flaky", new PriceOption("25")) { ForcedVerificationFailures = 1 });
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(server));

        var result = await client.CallToolAsync("flaky");

        Assert.NotNull(result.GetPaymentReceipt());
        Assert.Equal(2, server.CredentialsReceived);
        Assert.Single(server.Payments.Payments);
        Assert.Equal(1, server.CallsOf("flaky"));
        Assert.Equal(new LedgerUsage(0m, 0.25m), await payer.UsageAsync());
        Assert.Equal([LedgerEntryState.Settled, LedgerEntryState.Released], (await payer.EntriesAsync()).Select(e => e.State).Order());
    }

    [Fact]
    public async Task Rounds_are_bounded_when_every_credential_is_refused()
    {
        await using var server = await McpTestServer.StartAsync();
        server.AddTool(new McpTestTool("never", new PriceOption("25")) { ForcedVerificationFailures = 100 });
        await using var payer = new Payer(o => o.MaxPaymentRounds = 2);
        await using var client = await payer.ConnectAsync(payer.Http(server));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("never"));

        Assert.Equal(McpPaymentMeta.PaymentVerificationFailedCode, (int)error.ErrorCode);
        Assert.Equal(PaymentStatus.Rejected, error.GetPaymentFailure()!.Status);
        Assert.Equal(MppErrorCode.PaymentRoundsExhausted, error.GetPaymentFailure()!.Code);
        Assert.Equal(2, server.CredentialsReceived);
        Assert.Empty(server.Payments.Payments);
        Assert.Equal(new LedgerUsage(0m, 0m), await payer.UsageAsync());
    }

    [Fact]
    public async Task An_error_tool_result_after_the_credential_is_no_proof_the_payment_stays_counted_and_is_not_paid_again()
    {
        await using var server = await McpTestServer.StartAsync(new McpTestServerOptions { RejectionStyle = McpRejectionStyle.ToolResult });
        server.AddTool(new McpTestTool("flaky", new PriceOption("25")) { ForcedVerificationFailures = 1 });
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(server.CreateInProcessTransport());

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("flaky"));

        var failure = error.GetPaymentFailure()!;
        Assert.Equal(PaymentStatus.Unknown, failure.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, failure.Code);
        Assert.Equal(1, server.CredentialsReceived);
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await payer.EntriesAsync()).State);
        Assert.Equal(0.25m, (await payer.UsageAsync()).Total);
    }

    [Fact]
    public async Task A_challenge_in_a_tool_results_meta_is_paid()
    {
        await using var server = await McpTestServer.StartAsync(new McpTestServerOptions { ChallengeInToolResult = true });
        server.AddTool(new McpTestTool("search", new PriceOption("25")));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(server.CreateInProcessTransport());

        var result = await client.CallToolAsync("search");

        Assert.NotEqual(true, result.IsError);
        Assert.NotNull(result.GetPaymentReceipt());
        Assert.Single(server.Payments.Payments);
    }

    [Fact]
    public async Task A_payment_whose_answer_never_comes_stays_counted_as_unknown_and_is_not_paid_twice()
    {
        await using var server = await McpTestServer.StartAsync();
        server.AddTool(new McpTestTool("slow", new PriceOption("25")) { HangAfterPayment = true });
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(server));
        using var cts = new CancellationTokenSource();

        var call = client.CallToolAsync("slow", cancellationToken: cts.Token).AsTask();
        await server.HungAfterPayment; // the server holds the payment and does not answer
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(server.Payments.Payments);
        Assert.Equal(1, server.CredentialsReceived);
        var entry = await WaitForFinalAsync(payer);
        Assert.Equal(LedgerEntryState.Unknown, entry.State);
        Assert.Equal(0.25m, (await payer.UsageAsync()).Total);
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
    }

    [Fact]
    public void A_32042_without_challenges_is_URL_elicitation_and_is_passed_through()
    {
        var elicitation = new JsonRpcError
        {
            Id = new RequestId(7),
            Error = new JsonRpcErrorDetail
            {
                Code = McpPaymentMeta.PaymentRequiredCode,
                Message = "URL elicitation required",
                Data = System.Text.Json.JsonDocument.Parse("""{"elicitations":[{"mode":"url","url":"https://example.com/auth","elicitationId":"e1","message":"sign in"}]}""").RootElement,
            },
        };
        var payment = new JsonRpcError
        {
            Id = new RequestId(8),
            Error = new JsonRpcErrorDetail
            {
                Code = McpPaymentMeta.PaymentRequiredCode,
                Message = "MCP error -32042: anything at all",
                Data = System.Text.Json.JsonDocument.Parse("""{"httpStatus":402,"challenges":[{"id":"x","realm":"r","method":"test","intent":"charge","request":{"amount":"1","currency":"usd"}}]}""").RootElement,
            },
        };

        Assert.Null(Internal.PayingSessionTransport.ReadChallenges(elicitation));
        var read = Internal.PayingSessionTransport.ReadChallenges(payment);
        Assert.NotNull(read);
        Assert.Equal("test", Assert.Single(read.Value.Challenges).Challenge!.Method);
    }

    /// <summary>The ledger entry once the payment task has recorded its outcome (the caller's cancellation returns first).</summary>
    private static async Task<LedgerEntry> WaitForFinalAsync(Payer payer)
    {
        for (var i = 0; i < 500; i++)
        {
            var entry = Assert.Single(await payer.EntriesAsync());
            if (entry.State is not (LedgerEntryState.Reserved or LedgerEntryState.Sent))
            {
                return entry;
            }

            await Task.Delay(10);
        }

        return Assert.Single(await payer.EntriesAsync());
    }
}
