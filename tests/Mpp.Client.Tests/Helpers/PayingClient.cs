using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Helpers;

/// <summary>A real DI container and IHttpClientFactory with the payment handler, the test wallet and captured logs.</summary>
internal sealed class PayingClient : IAsyncDisposable
{
    private PayingClient(ServiceProvider provider, TestPaymentMethod method, FakeLogCollector logs)
    {
        Provider = provider;
        Method = method;
        Logs = logs;
        Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
    }

    public ServiceProvider Provider { get; }

    public HttpClient Http { get; }

    public TestPaymentMethod Method { get; }

    public FakeLogCollector Logs { get; }

    public SpendingPolicy Policy => Provider.GetRequiredService<SpendingPolicy>();

    public IPaymentLedger Ledger => Provider.GetRequiredService<IPaymentLedger>();

    public static PayingClient Create(Action<MppOptions>? configure = null, Action<MppBuilder>? build = null, Action<IServiceCollection>? services = null, TestPaymentMethod? method = null)
    {
        method ??= new TestPaymentMethod();
        var collection = new ServiceCollection();
        var logs = new FakeLogCollector();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        collection.AddMetrics();
        var builder = collection.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerDay["usd"] = "100";
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
            configure?.Invoke(o);
        }).AddPaymentMethod(method);
        build?.Invoke(builder);
        services?.Invoke(collection); // after AddMppPayments: handlers added here sit inside the payment handler
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PayingClient(provider, method, logs);
    }

    public async Task<decimal> SpentAsync(string unit = "usd") => await Ledger.GetSpentAsync(unit, null, null, default);

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync();
}
