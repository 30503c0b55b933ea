using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Mpp.Client.Policy;
using Mpp.Client.Testing;
using Mpp.Client.X402.Exact;

namespace Mpp.Client.X402.Tests.Support;

/// <summary>
/// The public path: a service provider with <c>AddMppPayments</c> on every factory client and <c>AddX402()</c> with a
/// fresh key, logging to a fake collector (every level) so tests can look for secrets in the logs.
/// </summary>
internal sealed class X402Payer : IAsyncDisposable
{
    public required ServiceProvider Provider { get; init; }

    public required HttpClient Http { get; init; }

    public required string PrivateKey { get; init; }

    public TestPaymentMethod? Mpp { get; init; }

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    public string Address => Provider.GetRequiredService<X402ExactMethod>().Address;

    public static X402Payer Create(Action<MppOptions>? mpp = null, Action<X402Options>? x402 = null, bool withMppMethod = false)
    {
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)).AddFakeLogging();
        var builder = services.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerDay["usd"] = "100";
            mpp?.Invoke(o);
        }).AddX402(o =>
        {
            o.PrivateKey = key;
            o.Networks.Add("eip155:84532");
            x402?.Invoke(o);
        });
        TestPaymentMethod? method = null;
        if (withMppMethod)
        {
            method = new TestPaymentMethod();
            builder.AddPaymentMethod(method);
        }

        var provider = services.BuildServiceProvider();
        return new X402Payer
        {
            Provider = provider,
            Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payer"),
            PrivateKey = key,
            Mpp = method,
        };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Provider.DisposeAsync();
    }
}
