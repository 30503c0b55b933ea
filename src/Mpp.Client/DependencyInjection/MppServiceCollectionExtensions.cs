using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mpp.Client.Diagnostics;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Mpp.Client: options, policy, ledger, telemetry and the payment handler.</summary>
public static class MppServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Mpp services with options bound from <paramref name="configuration"/> (usually the <c>Mpp</c> section),
    /// validated at start and reloaded when it changes. Returns a builder for methods, approvers and observers.
    /// </summary>
    public static MppBuilder AddMpp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddMppCore(b => b.Bind(configuration));
    }

    /// <summary>Registers the Mpp services configured in code.</summary>
    public static MppBuilder AddMpp(this IServiceCollection services, Action<MppOptions>? configure = null) =>
        services.AddMppCore(b =>
        {
            if (configure is not null)
            {
                b.Configure(configure);
            }
        });

    /// <summary>
    /// Registers the Mpp services and adds the payment handler to every <see cref="HttpClient"/> the factory makes:
    /// <c>services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp"))</c>.
    /// </summary>
    public static MppBuilder AddMppPayments(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddMpp(configuration);
        services.ConfigureHttpClientDefaults(static b => b.AddMppPaymentHandler());
        return builder;
    }

    /// <summary>Registers the Mpp services configured in code and adds the payment handler to every factory client.</summary>
    public static MppBuilder AddMppPayments(this IServiceCollection services, Action<MppOptions>? configure = null)
    {
        var builder = services.AddMpp(configure);
        services.ConfigureHttpClientDefaults(static b => b.AddMppPaymentHandler());
        return builder;
    }

    internal static IHttpClientBuilder AddMppPaymentHandler(this IHttpClientBuilder builder, string? clientBudget = null)
    {
        builder.AddHttpMessageHandler(sp => sp.GetRequiredService<PaymentHandlerFactory>().Create(clientBudget));

        // The factory's default request logging puts raw header values into its structured log state, so a Payment
        // credential (core spec § "Credential Storage": sensitive) would reach structured sinks. Paying clients get a
        // logger that never records a header; the default header redaction is widened too, should a default logger return.
        builder.RemoveAllLoggers().AddLogger<RedactingHttpClientLogger>(wrapHandlersPipeline: true);
        builder.Services.TryAddSingleton<RedactingHttpClientLogger>();
        builder.Services.AddOptions<HttpClientFactoryOptions>(builder.Name).Configure<PaymentFlow>(static (o, flow) =>
        {
            var inner = o.ShouldRedactHeaderValue;
            var sensitive = new HashSet<string>(flow.SensitiveHeaders, StringComparer.OrdinalIgnoreCase) { "Payment-Receipt" };
            o.ShouldRedactHeaderValue = header => IsSensitiveHeader(header) || sensitive.Contains(header) || inner(header);
        });

        // Redirects are followed by the payment handler, which strips credentials and refuses cross-origin payments.
        builder.ConfigurePrimaryHttpMessageHandler(static (handler, sp) =>
        {
            if (!sp.GetRequiredService<IOptionsMonitor<MppOptions>>().CurrentValue.FollowRedirects)
            {
                return;
            }

            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        });
        return builder;
    }

    private static bool IsSensitiveHeader(string header) =>
        header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Payment-Authorization", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Payment-Receipt", StringComparison.OrdinalIgnoreCase);

    private static MppBuilder AddMppCore(this IServiceCollection services, Action<OptionsBuilder<MppOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MppOptions>();
        configure(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MppOptions>, MppOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, ClientBudgetValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPaymentLedger>(static sp => new InMemoryPaymentLedger(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new MppTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<SpendingPolicy>();
        services.TryAddSingleton(static sp =>
        {
            var methods = new Dictionary<string, IPaymentMethod>(StringComparer.Ordinal);
            foreach (var m in sp.GetServices<IPaymentMethod>())
            {
                methods.TryAdd(m.Method, m); // the first registration of a method wins
            }

            var monitor = sp.GetRequiredService<IOptionsMonitor<MppOptions>>();
            return new PaymentCoordinator(
                methods,
                sp.GetRequiredService<SpendingPolicy>(),
                sp.GetRequiredService<IPaymentLedger>(),
                () => monitor.CurrentValue,
                sp.GetServices<IPaymentObserver>(),
                sp.GetRequiredService<MppTelemetry>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<PaymentCoordinator>>() ?? (ILogger)NullLogger.Instance);
        });
        services.TryAddSingleton(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<MppOptions>>();
            return new PaymentFlow(
                sp.GetRequiredService<PaymentCoordinator>(),
                sp.GetRequiredService<SpendingPolicy>(),
                () => monitor.CurrentValue,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<PaymentHandler>>() ?? NullLogger<PaymentHandler>.Instance,
                sp.GetServices<IHttpPaymentScheme>(),
                sp.GetServices<IPreemptivePayer>());
        });
        services.TryAddSingleton(static sp => new PaymentReconciliation(
            sp.GetRequiredService<IPaymentLedger>(),
            sp.GetServices<IPaymentReconciler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PaymentReconciliation>>()));
        services.TryAddSingleton<PaymentHandlerFactory>();
        return new MppBuilder(services);
    }
}
