using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Mcp.Tests.Interop;

/// <summary>
/// Our MCP client pays a live mppx 0.11.0 MCP server (the reference SDK's documented server pattern) over stdio and over
/// streamable HTTP (answers as SSE events in HTTP 200): free and paid tools, a tool above the cap refused with no
/// credential sent, and mppx's isError tool result for a refused credential kept counted and not paid again.
/// </summary>
public sealed class MppxMcpInteropTests(MppxMcpServerFixture fixture) : IClassFixture<MppxMcpServerFixture>
{
    public static TheoryData<string> Transports => new() { "stdio", "http" };

    private async Task<McpClient> ConnectAsync(Payer payer, string transport)
    {
        IClientTransport inner;
        if (transport == "stdio")
        {
            await NodeTools.EnsureInstalledAsync(MppxMcpServerFixture.Directory, MppxMcpServerFixture.Packages);
            inner = new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mppx-stdio",
                Command = "node",
                Arguments = ["mcp-server.mjs", "--transport", "stdio"],
                WorkingDirectory = MppxMcpServerFixture.Directory,
            });
        }
        else
        {
            inner = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = fixture.Endpoint, TransportMode = HttpTransportMode.StreamableHttp },
                payer.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp"), ownsHttpClient: true);
        }

        return await payer.ConnectAsync(inner);
    }

    private static async Task<(int Credentials, int Paid)> StatsAsync(McpClient client)
    {
        var text = Assert.IsType<TextContentBlock>(Assert.Single((await client.CallToolAsync("stats")).Content)).Text;
        using var doc = JsonDocument.Parse(text);
        return (doc.RootElement.GetProperty("credentials").GetInt32(), doc.RootElement.GetProperty("paid").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_free_tool_and_a_paid_tool_of_mppx_are_called_and_the_paid_one_paid_once(string transport)
    {
        await using var payer = new Payer();
        await using var client = await ConnectAsync(payer, transport);
        var before = await StatsAsync(client);

        var free = await client.CallToolAsync("echo");
        var paid = await client.CallToolAsync("search");

        Assert.Equal("echo ok", Assert.IsType<TextContentBlock>(Assert.Single(free.Content)).Text);
        Assert.Null(free.GetPaymentReceipt());
        Assert.Equal("results", Assert.IsType<TextContentBlock>(Assert.Single(paid.Content)).Text);
        var receipt = paid.GetPaymentReceipt();
        Assert.NotNull(receipt);
        Assert.Equal(("success", "test"), (receipt.Status, receipt.Method));
        Assert.StartsWith("test_", receipt.Reference, StringComparison.Ordinal);
        var quote = Assert.Single(payer.Wallet.Quotes);
        Assert.Equal(quote.Challenge.Id, receipt.Extra["challengeId"].GetString());
        Assert.Equal("mppx-mcp-interop", quote.Challenge.Realm);
        Assert.Equal(before with { Credentials = before.Credentials + 1, Paid = before.Paid + 1 }, await StatsAsync(client));
        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal((LedgerEntryState.Settled, receipt.Reference), (entry.State, entry.Reference));
        Assert.Equal(new LedgerUsage(0m, 0.25m), await payer.UsageAsync());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_tool_priced_above_the_cap_is_refused_and_no_credential_reaches_mppx(string transport)
    {
        await using var payer = new Payer();
        await using var client = await ConnectAsync(payer, transport);
        var before = await StatsAsync(client);

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("premium"));

        var failure = error.GetPaymentFailure();
        Assert.NotNull(failure);
        Assert.Equal((PaymentStatus.Refused, MppErrorCode.BudgetExceeded), (failure.Status, failure.Code));
        Assert.Equal(McpPaymentMeta.PaymentRequiredCode, (int)error.ErrorCode);
        Assert.Equal(0, payer.Wallet.PayloadsCreated);
        Assert.Equal(before, await StatsAsync(client));
        Assert.Empty(await payer.EntriesAsync());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_credential_mppx_refuses_with_an_error_tool_result_stays_counted_and_is_not_paid_again(string transport)
    {
        await using var payer = new Payer(token: "not-the-valid-token");
        await using var client = await ConnectAsync(payer, transport);
        var before = await StatsAsync(client);

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("search"));

        Assert.Equal(PaymentStatus.Unknown, error.GetPaymentFailure()!.Status);
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        Assert.Equal(before with { Credentials = before.Credentials + 1 }, await StatsAsync(client));
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await payer.EntriesAsync()).State);
    }
}
