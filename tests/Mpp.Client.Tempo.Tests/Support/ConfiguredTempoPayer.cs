using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>
/// The public path end to end: a fake chain on the system clock, an MppTestServer with the shipped tempo verifier, and
/// a service provider whose wallet comes from <c>AddTempo()</c> with a fresh key, funded on the chain.
/// </summary>
internal sealed class ConfiguredTempoPayer : IAsyncDisposable
{
    public required FakeTempoChain Chain { get; init; }

    public required TempoTestVerifier Verifier { get; init; }

    public required MppTestServer Server { get; init; }

    public required ServiceProvider Provider { get; init; }

    public required HttpClient Http { get; init; }

    public string Payer => Provider.GetRequiredService<TempoAccount>().Address;

    /// <param name="configure">More Tempo settings.</param>
    /// <param name="services">More registrations (a named client's handlers, say).</param>
    /// <param name="clientName">The factory client to pay with.</param>
    public static async Task<ConfiguredTempoPayer> StartAsync(Action<TempoOptions>? configure = null, Action<IServiceCollection>? services = null, string clientName = "payer")
    {
        var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var verifier = new TempoTestVerifier(chain);
        var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(verifier));
        var collection = new ServiceCollection();
        collection.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "100").AddTempo(o =>
        {
            o.PrivateKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            o.Rpc["42431"] = chain.Endpoint.ToString();
            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        chain.Fund(TempoChains.PathUsd, provider.GetRequiredService<TempoAccount>().Address, 10_000_000);
        return new ConfiguredTempoPayer
        {
            Chain = chain,
            Verifier = verifier,
            Server = server,
            Provider = provider,
            Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(clientName),
        };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Provider.DisposeAsync();
        await Server.DisposeAsync();
        await Chain.DisposeAsync();
    }
}
