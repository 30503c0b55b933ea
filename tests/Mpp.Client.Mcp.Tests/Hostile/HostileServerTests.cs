using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Tests.Hostile;

/// <summary>
/// Broken and hostile paid MCP servers (a real C# SDK server over streamable HTTP answering scripted messages): every bad
/// answer ends in a typed outcome for the caller, nothing is signed for what cannot be paid, and nothing is paid twice.
/// </summary>
public sealed class HostileServerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Challenges_that_are_all_malformed_are_refused_with_nothing_signed()
    {
        var data = """
            {"httpStatus":402,"challenges":[
              {"id":1},
              "text",
              {"id":"a","realm":"r","method":"test","intent":"charge","request":"%%%"},
              {"id":"b","realm":"r","method":"test","intent":"charge","request":{"amount":"-5","currency":"usd"}},
              {"id":"c","realm":"r","method":"test","intent":"charge","request":{"amount":"1e400","currency":"usd"},"expires":"yesterday"}
            ]}
            """;
        await using var server = await ScriptedMcpServer.StartAsync((_, _) => ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, data));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await CallAsync(client));

        Assert.Equal(McpPaymentMeta.PaymentRequiredCode, (int)error.ErrorCode);
        Assert.Equal(PaymentStatus.Refused, error.GetPaymentFailure()!.Status);
        await AssertNothingPaidAsync(payer, server);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"text\"")]
    [InlineData("[1,2]")]
    [InlineData("""{"challenges":"none"}""")]
    [InlineData("""{"challenges":[],"elicitations":[]}""")]
    [InlineData("""{"httpStatus":402}""")]
    public async Task A_32042_without_challenges_is_no_payment_request_and_nothing_is_paid(string? data)
    {
        await using var server = await ScriptedMcpServer.StartAsync((_, _) => ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, data));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        // MCP's URLElicitationRequired shares the code; what the SDK makes of it is the SDK's (2.4.0: a McpProtocolException,
        // or a JsonException for object data without "elicitations"), passed through untouched. Ours: no payment, no hang.
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await CallAsync(client));

        Assert.IsNotType<OperationCanceledException>(error);
        Assert.Null((error as McpProtocolException)?.GetPaymentFailure());
        await AssertNothingPaidAsync(payer, server);
    }

    [Fact]
    public async Task A_flood_of_challenges_is_read_up_to_the_limit_and_paid_once()
    {
        await using var issuer = await IssuerAsync();
        var one = ChallengeJson((await issuer.IssueChallengesAsync("/tools/paid"))[0]);
        var data = "{\"httpStatus\":402,\"challenges\":[" + string.Join(",", Enumerable.Repeat(one, 5_000)) + "]}";
        await using var server = await ScriptedMcpServer.StartAsync((call, credential) => credential is null
            ? ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, data)
            : ScriptedAnswer.Paid(Receipt(credential)));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var result = await CallAsync(client);

        Assert.Equal("success", result.GetPaymentReceipt()!.Status);
        Assert.Equal(1, server.CredentialsReceived);
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        Assert.Equal(LedgerEntryState.Settled, Assert.Single(await payer.EntriesAsync()).State);
        Assert.Equal(0.25m, (await payer.UsageAsync()).Total);
    }

    [Theory]
    [InlineData("expires", "2020-01-01T00:00:00Z")] // expired
    [InlineData("amount", "99999999999999999999999999")] // far above the 1 usd per-request cap
    [InlineData("amount", "101")] // just above it
    [InlineData("currency", "xau")] // a unit with no budget
    public async Task A_challenge_that_cannot_be_paid_is_refused_with_nothing_signed(string member, string value)
    {
        await using var issuer = await IssuerAsync();
        var challenge = JsonNode.Parse(ChallengeJson((await issuer.IssueChallengesAsync("/tools/paid"))[0]))!.AsObject();
        var target = member == "expires" ? challenge : challenge["request"]!.AsObject();
        target[member] = value;
        var data = "{\"httpStatus\":402,\"challenges\":[" + challenge.ToJsonString() + "]}";
        await using var server = await ScriptedMcpServer.StartAsync((_, _) => ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, data));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await CallAsync(client));

        Assert.Equal(PaymentStatus.Refused, error.GetPaymentFailure()!.Status);
        await AssertNothingPaidAsync(payer, server);
    }

    [Theory]
    [InlineData("\"garbage\"")]
    [InlineData("""{"status":"success"}""")]
    [InlineData("""{"status":42,"method":[],"timestamp":"x","reference":{}}""")]
    public async Task A_malformed_receipt_after_the_credential_keeps_the_result_and_the_payment_counted(string receipt)
    {
        await using var issuer = await IssuerAsync();
        var data = "{\"httpStatus\":402,\"challenges\":[" + ChallengeJson((await issuer.IssueChallengesAsync("/tools/paid"))[0]) + "]}";
        await using var server = await ScriptedMcpServer.StartAsync((_, credential) => credential is null
            ? ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, data)
            : ScriptedAnswer.Paid(receipt));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var result = await CallAsync(client);

        // The server took the credential and answered the call: the caller gets its result; no receipt to show.
        Assert.Equal("paid ok", Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Null(result.GetPaymentReceipt());
        Assert.Equal(1, server.CredentialsReceived);
        Assert.Equal(LedgerEntryState.Settled, Assert.Single(await payer.EntriesAsync()).State);
        Assert.Equal(0.25m, (await payer.UsageAsync()).Total);
    }

    [Theory]
    [InlineData(-32603, null)]
    [InlineData(-32000, """{"detail":"try again"}""")]
    [InlineData(McpPaymentMeta.PaymentRequiredCode, "FRESH")] // a new challenge with no proof that the first payment was not taken
    public async Task An_unexpected_answer_to_the_credential_stays_counted_and_is_never_paid_again(int code, string? data)
    {
        await using var issuer = await IssuerAsync();
        var first = "{\"httpStatus\":402,\"challenges\":[" + ChallengeJson((await issuer.IssueChallengesAsync("/tools/paid"))[0]) + "]}";
        var fresh = "{\"httpStatus\":402,\"challenges\":[" + ChallengeJson((await issuer.IssueChallengesAsync("/tools/paid"))[0]) + "]}";
        await using var server = await ScriptedMcpServer.StartAsync((_, credential) => credential is null
            ? ScriptedAnswer.Error(McpPaymentMeta.PaymentRequiredCode, first)
            : ScriptedAnswer.Error(code, data == "FRESH" ? fresh : data));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await CallAsync(client));

        Assert.NotEqual(PaymentStatus.Paid, error.GetPaymentFailure()!.Status);
        Assert.Equal(1, server.CredentialsReceived);
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal(LedgerEntryState.Unknown, entry.State);
        Assert.Equal(0.25m, (await payer.UsageAsync()).Total);
    }

    [Theory]
    [InlineData("\"pay me\"")]
    [InlineData("""{"challenges":17}""")]
    public async Task A_results_payment_required_meta_without_challenges_is_returned_as_it_is(string meta)
    {
        var result = "{\"isError\":true,\"content\":[{\"type\":\"text\",\"text\":\"Payment Required\"}],\"_meta\":{\"" + McpPaymentMeta.PaymentRequiredKey + "\":" + meta + "}}";
        await using var server = await ScriptedMcpServer.StartAsync((_, _) => ScriptedAnswer.Result(result));
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Http(server));

        var answer = await CallAsync(client);

        Assert.True(answer.IsError);
        await AssertNothingPaidAsync(payer, server);
    }

    private static HttpClientTransport Http(ScriptedMcpServer server) =>
        new(new HttpClientTransportOptions { Endpoint = server.Endpoint, TransportMode = HttpTransportMode.StreamableHttp }, new HttpClient(), ownsHttpClient: true);

    private static async Task<ModelContextProtocol.Protocol.CallToolResult> CallAsync(McpClient client)
    {
        using var cts = new CancellationTokenSource(Limit);
        return await client.CallToolAsync("paid", cancellationToken: cts.Token);
    }

    private static async Task AssertNothingPaidAsync(Payer payer, ScriptedMcpServer server)
    {
        Assert.Equal(0, server.CredentialsReceived);
        Assert.Equal(0, payer.Wallet.PayloadsCreated);
        Assert.Empty(await payer.EntriesAsync());
        Assert.Equal(0m, (await payer.UsageAsync()).Total);
    }

    /// <summary>A payment server that only issues challenges (HMAC-bound, 25 cents, method <c>test</c>).</summary>
    private static async Task<MppTestServer> IssuerAsync()
    {
        var issuer = await MppTestServer.StartAsync();
        issuer.MapPaid("/tools/paid", new PriceOption("25"));
        return issuer;
    }

    private static string ChallengeJson(Challenge c)
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        c.WriteJson(json, requestAsObject: true);
        return System.Text.Encoding.UTF8.GetString(json.WrittenSpan);
    }

    private static string Receipt(JsonObject credential) =>
        new JsonObject
        {
            ["status"] = "success",
            ["method"] = "test",
            ["timestamp"] = "2026-12-01T00:00:00Z",
            ["reference"] = "scripted-1",
            ["challengeId"] = credential["challenge"]?["id"]?.GetValue<string>(),
        }.ToJsonString();
}
