using BenchmarkDotNet.Attributes;
using ModelContextProtocol.Client;
using Mpp.Client.Mcp;
using Mpp.Client.Mcp.Testing;
using Mpp.Client.Testing;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// A paid MCP tool call (call → <c>-32042</c> → <c>TestPaymentMethod</c> credential in <c>_meta</c> → result + receipt) vs a
/// free tool call, both through the same paying <see cref="McpClient"/> (<see cref="McpPaymentTransport"/> over streamable
/// HTTP) to the same <see cref="McpTestServer"/> on 127.0.0.1, no caps (<c>AllowUncappedUnits</c>).
/// </summary>
[MemoryDiagnoser]
public class McpToolCallBenchmarks
{
    private McpTestServer _server = null!;
    private Clients _clients = null!;
    private McpClient _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await McpTestServer.StartAsync();
        _server.AddTool(new McpTestTool("free"));
        _server.AddTool(new McpTestTool("paid", new PriceOption("1")));
        _clients = Clients.Uncapped();
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = _server.Endpoint, TransportMode = HttpTransportMode.StreamableHttp }, _clients.Bare);
        _client = await McpClient.CreateAsync(transport.WithMppPayments(_clients.Provider));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> FreeToolCall()
    {
        var result = await _client.CallToolAsync("free");
        return result.Content.Count;
    }

    [Benchmark]
    public async Task<int> PaidToolCall()
    {
        var result = await _client.CallToolAsync("paid");
        return result.GetPaymentReceipt() is null ? throw new InvalidOperationException("paid call without a receipt") : result.Content.Count;
    }
}
