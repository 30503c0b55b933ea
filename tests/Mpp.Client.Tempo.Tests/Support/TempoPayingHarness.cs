using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Mpp.Client.Policy;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>A fake chain, an MppTestServer with the tempo verifier, and an HttpClient paying with TempoChargeMethod.</summary>
internal sealed class TempoPayingHarness : IAsyncDisposable
{
    private TempoPayingHarness(FakeChainFixture chain, MppTestServer server, TempoTestVerifier verifier, ServiceProvider provider, string keyHex, TempoChargeMethod method, FakeLogCollector logs)
    {
        Chain = chain;
        Server = server;
        Verifier = verifier;
        Provider = provider;
        KeyHex = keyHex;
        Method = method;
        Logs = logs;
        Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
    }

    public FakeChainFixture Chain { get; }

    public MppTestServer Server { get; }

    public TempoTestVerifier Verifier { get; }

    public ServiceProvider Provider { get; }

    public string KeyHex { get; }

    public TempoChargeMethod Method { get; }

    public FakeLogCollector Logs { get; }

    public HttpClient Http { get; }

    public string Payer => Method.Address;

    public static async Task<TempoPayingHarness> StartAsync(Action<MppOptions>? configure = null, Action<MppTestServerOptions>? server = null)
    {
        var chain = await FakeChainFixture.StartAsync();
        var verifier = new TempoTestVerifier(chain.Chain);
        var serverOptions = new MppTestServerOptions();
        serverOptions.AddVerifier(verifier);
        server?.Invoke(serverOptions);
        var testServer = await MppTestServer.StartAsync(serverOptions);
        var keyHex = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var method = new TempoChargeMethod(TempoPrivateKey.FromHex(keyHex), chain.Client, chain.Time);
        var services = new ServiceCollection();
        var logs = new FakeLogCollector();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        services.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerDay["usd"] = "100";
            configure?.Invoke(o);
        }).AddPaymentMethod(method);
        var provider = services.BuildServiceProvider();
        return new TempoPayingHarness(chain, testServer, verifier, provider, keyHex, method, logs);
    }

    public static PriceOption Price(string amount, string recipient, object methodDetails, string currency = TempoChains.PathUsd) =>
        new(amount, currency)
        {
            Method = "tempo",
            Recipient = recipient,
            ExtraRequest = new Dictionary<string, JsonElement> { ["methodDetails"] = JsonSerializer.SerializeToElement(methodDetails) },
        };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Provider.DisposeAsync();
        await Server.DisposeAsync();
        await Chain.DisposeAsync();
    }
}
