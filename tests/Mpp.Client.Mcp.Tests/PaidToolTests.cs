using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Mcp;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// An agent's <see cref="McpClient"/>, used as usual, pays the C# SDK test server's paid tools (<c>-32042</c>) through
/// <see cref="McpPaymentTransport"/>, over streamable HTTP on loopback Kestrel and over in-process streams, with the wallet,
/// policy and ledger its HTTP clients use.
/// </summary>
public sealed class PaidToolTests : IAsyncLifetime
{
    private McpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await McpTestServer.StartAsync();
        _server.AddTool(new McpTestTool("search", new PriceOption("25")) { Text = "results" });
        _server.AddTool(new McpTestTool("echo"));
        _server.AddTool(new McpTestTool("premium", new PriceOption("500")));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> Transports => new() { "http", "streams" };

    private IClientTransport Transport(Payer payer, string kind) => kind == "http" ? payer.Http(_server) : _server.CreateInProcessTransport();

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_paid_tool_is_paid_once_and_the_caller_gets_the_result_and_receipt(string transport)
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Transport(payer, transport));

        var result = await client.CallToolAsync("search");

        Assert.Equal("results", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        var payment = Assert.Single(_server.Payments.Payments);
        var receipt = result.GetPaymentReceipt();
        Assert.NotNull(receipt);
        Assert.Equal("success", receipt.Status);
        Assert.Equal(payment.Reference, receipt.Reference);
        Assert.Equal(payment.ChallengeId, receipt.Extra["challengeId"].GetString());
        Assert.Equal(1, _server.CredentialsReceived);
        Assert.Equal(1, _server.CallsOf("search"));
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        Assert.Equal(new LedgerUsage(0m, 0.25m), await payer.UsageAsync());
        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal(LedgerEntryState.Settled, entry.State);
        Assert.Equal(payment.Reference, entry.Reference);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_free_tool_is_called_without_payment(string transport)
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Transport(payer, transport));

        var result = await client.CallToolAsync("echo");

        Assert.Equal("echo ok", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Null(result.GetPaymentReceipt());
        Assert.Equal(0, _server.Payments.ChallengesIssued);
        Assert.Equal(0, _server.CredentialsReceived);
        Assert.Empty(await payer.EntriesAsync());
    }

    [Fact]
    public async Task The_client_advertises_the_methods_it_can_pay_in_initialize()
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server));

        await client.CallToolAsync("echo");

        var advertised = Assert.Single(_server.ClientPaymentCapabilities);
        Assert.NotNull(advertised);
        Assert.Equal(["test"], advertised.Value.GetProperty("methods").EnumerateObject().Select(m => m.Name));
        var intents = advertised.Value.GetProperty("methods").GetProperty("test").GetProperty("intents");
        Assert.Equal(["charge"], intents.EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task The_capability_is_left_out_when_turned_off()
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server), o => o.AdvertiseCapability = false);

        await client.CallToolAsync("search");

        Assert.All(_server.ClientPaymentCapabilities, Assert.Null);
        Assert.Single(_server.Payments.Payments); // paid all the same: servers need no advertisement
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_tool_priced_above_the_cap_is_refused_with_a_typed_error_and_nothing_signed(string transport)
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(Transport(payer, transport));

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("premium"));

        Assert.Equal(McpPaymentMeta.PaymentRequiredCode, (int)error.ErrorCode);
        var failure = error.GetPaymentFailure();
        Assert.NotNull(failure);
        Assert.Equal(PaymentStatus.Refused, failure.Status);
        Assert.Equal(MppErrorCode.BudgetExceeded, failure.Code);
        Assert.Contains("PerRequest", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("not paid", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, payer.Wallet.PayloadsCreated);
        Assert.Equal(0, _server.CredentialsReceived);
        Assert.Equal(0, _server.CallsOf("premium"));
        Assert.Empty(await payer.EntriesAsync());
    }

    [Fact]
    public async Task A_paid_resource_and_a_paid_prompt_are_paid_like_tools()
    {
        _server.AddResource("data://premium/market", new PriceOption("10"), "prices");
        _server.AddPrompt("expert", new PriceOption("5"), "be an expert");
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server));

        var resource = await client.ReadResourceAsync("data://premium/market");
        var prompt = await client.GetPromptAsync("expert");

        Assert.Equal("prices", Assert.IsType<TextResourceContents>(Assert.Single(resource.Contents)).Text);
        Assert.NotNull(resource.GetPaymentReceipt());
        Assert.Equal("be an expert", Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text);
        Assert.NotNull(prompt.GetPaymentReceipt());
        Assert.Equal(2, _server.Payments.Payments.Count);
        Assert.Equal(new LedgerUsage(0m, 0.15m), await payer.UsageAsync());
        Assert.Equal([_server.Endpoint.Host], (await payer.EntriesAsync()).Select(e => e.Charge.Host).Distinct());
    }

    [Fact]
    public async Task The_resource_paid_for_names_the_configured_server_and_tool()
    {
        await using var payer = new Payer(o => o.AllowedHosts.Add("tools.example.com"));
        await using var client = await payer.ConnectAsync(payer.Http(_server), o => o.Server = new Uri("https://tools.example.com/mcp"));

        await client.CallToolAsync("search");

        var quote = Assert.Single(payer.Wallet.Quotes);
        Assert.Equal("tools.example.com", quote.Host);
    }

    [Fact]
    public async Task Calls_in_parallel_are_each_paid_once()
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.CallToolAsync("search").AsTask()));

        Assert.All(results, r => Assert.NotNull(r.GetPaymentReceipt()));
        Assert.Equal(4, _server.Payments.Payments.Count);
        Assert.Equal(4, _server.CredentialsReceived);
        Assert.Equal(new LedgerUsage(0m, 1.00m), await payer.UsageAsync());
    }
}
