// An agent paying for MCP tool calls: `dotnet run --project examples/Mpp.Client.McpAgent`.
//
// It starts a paid MCP server on 127.0.0.1 (Mpp.Client.Mcp.Testing: the official C# MCP SDK over streamable HTTP, whose
// paid tools answer JSON-RPC -32042 and verify credentials with Mpp.Client.Testing's verifier), sets up the payer as for
// HTTP (AddMpp with a budget and the built-in "test" wallet), wraps the MCP transport with WithMppPayments, and uses the
// McpClient as usual: a free tool, a paid tool (the receipt printed), and a tool the per-call cap refuses. The budget is
// printed after each call.
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mpp.Client.Ledger;
using Mpp.Client.Mcp;
using Mpp.Client.Mcp.Testing;
using Mpp.Client.Testing;

await using var server = await McpTestServer.StartAsync();
server.AddTool(new McpTestTool("echo") { Text = "hello, agent" });
server.AddTool(new McpTestTool("search", new PriceOption("25") { Description = "Web search" }) { Text = "3 results for 'machine payments'" });
server.AddTool(new McpTestTool("deep-research", new PriceOption("500") { Description = "Deep research report" }));

// The payer: one policy, one budget, one ledger for HTTP and MCP alike.
var services = new ServiceCollection();
services.AddMpp(o =>
{
    o.Budget.PerRequest["usd"] = "1.00";
    o.Budget.PerDay["usd"] = "2.00";
}).AddPaymentMethod(new TestPaymentMethod());
services.AddHttpClient("mcp").AddMppPayments(); // the MCP server's endpoint may also answer HTTP 402: paid here, once
await using var provider = services.BuildServiceProvider();

var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp");
var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.Endpoint }, http, ownsHttpClient: true)
    .WithMppPayments(provider);
await using var client = await McpClient.CreateAsync(transport);

Console.WriteLine($"MCP server {server.Endpoint}; tools: {string.Join(", ", (await client.ListToolsAsync()).Select(t => t.Name))}");
await CallAsync("echo");
await CallAsync("search");
await CallAsync("deep-research");

async Task CallAsync(string tool)
{
    try
    {
        var result = await client.CallToolAsync(tool);
        var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
        var receipt = result.GetPaymentReceipt();
        Console.WriteLine(receipt is null
            ? $"{tool}: {text} (free)"
            : $"{tool}: {text} (paid, receipt {receipt.Reference} for challenge {receipt.Extra["challengeId"].GetString()})");
    }
    catch (McpProtocolException ex) when (ex.GetPaymentFailure() is { } failure)
    {
        Console.WriteLine($"{tool}: not paid, {failure.Status} ({failure.Code}): {failure.Reason}");
    }

    var usage = await provider.GetRequiredService<IPaymentLedger>().GetUsageAsync("usd", null, TimeSpan.FromDays(1), default);
    Console.WriteLine($"  budget: spent {usage.Spent:0.00} usd, in flight {usage.Locked:0.00} usd, of 2.00 usd per day (1.00 per call)");
}
