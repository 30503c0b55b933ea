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
    private McpTestServer? _server;
    private Clients _clients = null!;
    private McpClient _client = null!;
    private McpClient _bare = null!;

    /// <summary>An MCP endpoint served elsewhere (<c>--mcp-serve</c> in another process); null to start the server here.</summary>
    internal Uri? ExternalEndpoint { get; init; }

    /// <summary>Starts the server with the benchmark's two tools: <c>free</c> and <c>paid</c> (1 usd-cent unit).</summary>
    internal static async Task<McpTestServer> StartServerAsync()
    {
        var server = await McpTestServer.StartAsync();
        server.AddTool(new McpTestTool("free"));
        server.AddTool(new McpTestTool("paid", new PriceOption("1")));
        return server;
    }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = ExternalEndpoint is null ? await StartServerAsync() : null;
        _clients = Clients.Uncapped();
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = ExternalEndpoint ?? _server!.Endpoint, TransportMode = HttpTransportMode.StreamableHttp }, _clients.Bare);
        _client = await McpClient.CreateAsync(transport.WithMppPayments(_clients.Provider));
        _bare = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = ExternalEndpoint ?? _server!.Endpoint, TransportMode = HttpTransportMode.StreamableHttp }, _clients.Bare));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _bare.DisposeAsync();
        await _clients.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
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

    /// <summary>The free call through a plain SDK client (no <see cref="McpPaymentTransport"/>): the SDK's round trip alone.</summary>
    [Benchmark]
    public async Task<int> BareFreeToolCall()
    {
        var result = await _bare.CallToolAsync("free");
        return result.Content.Count;
    }
}
