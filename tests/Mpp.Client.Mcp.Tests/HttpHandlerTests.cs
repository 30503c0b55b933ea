using Mpp.Client.Ledger;
using Mpp.Client.Mcp;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// Streamable HTTP through an <see cref="HttpClient"/> that also has the HTTP payment handler: a <c>-32042</c> inside an
/// HTTP 200 (SSE or JSON) is the MCP layer's to pay, and an HTTP 402 from the endpoint itself is the handler's, once.
/// </summary>
public sealed class HttpHandlerTests : IAsyncLifetime
{
    private McpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await McpTestServer.StartAsync();
        _server.AddTool(new McpTestTool("search", new PriceOption("25")));
        _server.AddTool(new McpTestTool("gated", new PriceOption("30")) { ChargeOverHttp = true });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_32042_inside_HTTP_200_is_paid_once_by_the_MCP_layer_and_the_HTTP_handler_stays_out()
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server, paymentHandler: true));

        var result = await client.CallToolAsync("search");

        Assert.NotNull(result.GetPaymentReceipt());
        Assert.Single(_server.Payments.Payments);
        Assert.Equal(1, _server.CredentialsReceived);
        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal((_server.Endpoint.Host, LedgerEntryState.Settled), (entry.Charge.Host, entry.State));
        Assert.Equal(new Uri(_server.Endpoint + "/tools/search"), Assert.Single(payer.Wallet.Quotes).RequestUri);
    }

    [Fact]
    public async Task An_HTTP_402_from_the_MCP_endpoint_is_paid_once_by_the_HTTP_handler_and_not_again_by_the_MCP_layer()
    {
        await using var payer = new Payer();
        await using var client = await payer.ConnectAsync(payer.Http(_server, paymentHandler: true));

        var result = await client.CallToolAsync("gated");

        Assert.Null(result.GetPaymentReceipt()); // the receipt went in the HTTP response's Payment-Receipt header
        Assert.Single(_server.Payments.Payments);
        Assert.Equal(0, _server.CredentialsReceived); // no MCP-level credential
        Assert.Equal(1, _server.CallsOf("gated"));
        Assert.Equal(1, payer.Wallet.PayloadsCreated);
        var entry = Assert.Single(await payer.EntriesAsync());
        Assert.Equal((_server.Endpoint.Host, LedgerEntryState.Settled), (entry.Charge.Host, entry.State));
        Assert.Equal(0.30m, (await payer.UsageAsync()).Spent);
    }
}
