using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests;

/// <summary>An in-test host that pays like an agent: configuration under <c>Mpp</c>, a factory client, the test method.</summary>
internal static class AgentHost
{
    public static IHost Build(IDictionary<string, string?> settings, Action<MppBuilder> configure, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHttpClient("pay");
        builder.Services.AddMetrics();
        services?.Invoke(builder.Services);
        configure(builder.Services.AddMppPayments(builder.Configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod()));
        return builder.Build();
    }

    /// <summary>The exception a failed start threw, unwrapped from the host's aggregate when there is one.</summary>
    public static async Task<Exception> StartFailureAsync(IHost host)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        return ex is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : ex;
    }
}
