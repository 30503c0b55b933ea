using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ModelContextProtocol.Client;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Mcp;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// A payer as an agent sets one up: <c>AddMpp</c> with a budget and the test wallet, an HTTP client with the payment handler,
/// every log captured; MCP clients connect through <see cref="McpPaymentTransport"/> on the same coordinator.
/// </summary>
internal sealed class Payer : IAsyncDisposable
{
    public Payer(Action<MppOptions>? configure = null, string token = MppTestServerOptions.DefaultTestToken, Action<MppBuilder>? build = null)
    {
        Wallet = new TestPaymentMethod(token);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        var mpp = services.AddMpp(o =>
        {
            o.Budget.PerRequest["usd"] = "1";
            o.Budget.PerDay["usd"] = "10";
            configure?.Invoke(o);
        }).AddPaymentMethod(Wallet);
        build?.Invoke(mpp);
        services.AddHttpClient("mcp").AddMppPayments();
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeLogCollector Logs { get; } = new();

    public TestPaymentMethod Wallet { get; }

    public ServiceProvider Provider { get; }

    public IPaymentLedger Ledger => Provider.GetRequiredService<IPaymentLedger>();

    /// <summary>An MCP client whose calls are paid; the SDK's own logs (Trace included) go to <see cref="Logs"/> too.</summary>
    public Task<McpClient> ConnectAsync(IClientTransport transport, Action<McpPaymentOptions>? configure = null, CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(transport.WithMppPayments(Provider, configure), loggerFactory: Provider.GetRequiredService<ILoggerFactory>(), cancellationToken: cancellationToken);

    /// <summary>Streamable HTTP to <paramref name="server"/>, through the payer's HTTP client (with the payment handler) or a plain one.</summary>
    public HttpClientTransport Http(McpTestServer server, bool paymentHandler = true) =>
        new(new HttpClientTransportOptions { Endpoint = server.Endpoint, TransportMode = HttpTransportMode.StreamableHttp },
            paymentHandler ? Provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp") : new HttpClient(),
            Provider.GetRequiredService<ILoggerFactory>(), ownsHttpClient: true);

    public async Task<LedgerUsage> UsageAsync() => await Ledger.GetUsageAsync("usd", null, null, default);

    public async Task<List<LedgerEntry>> EntriesAsync()
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in Ledger.ListAsync(new LedgerQuery(), default))
        {
            list.Add(e);
        }

        return list;
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
