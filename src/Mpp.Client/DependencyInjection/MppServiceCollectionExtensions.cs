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
    /// <remarks>
    /// At start (host start, or the first paying client) every problem is reported at once, naming the configuration path:
    /// invalid values, unknown keys (subsections claimed by rails aside), values that cannot be converted. A later change
    /// applies only when valid; an invalid one is logged (event id 100) and counted (<c>mpp.client.configuration.rejected</c>)
    /// and the last valid configuration stays in force. Binding the same section again is ignored; a second, different
    /// section fails at start.
    /// </remarks>
    public static MppBuilder AddMpp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddMppCore(configuration, null);
    }

    /// <summary>Registers the Mpp services configured in code (applied in registration order, after a bound section).</summary>
    public static MppBuilder AddMpp(this IServiceCollection services, Action<MppOptions>? configure = null) =>
        services.AddMppCore(null, configure);

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
            if (!sp.GetRequiredService<MppStartupCheck>().Options.CurrentValue.FollowRedirects)
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

    private static MppBuilder AddMppCore(this IServiceCollection services, IConfiguration? configuration, Action<MppOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registrations = MppRegistrations.Of(services);
        var options = services.AddOptions<MppOptions>();
        if (configuration is not null && registrations.BindOptions(configuration))
        {
            // Bound with the shape check: unknown keys and values the binder cannot convert become errors with the rest,
            // reported at start or on the reload; the options factory never throws (no validator runs in it).
            services.AddSingleton<IOptionsChangeTokenSource<MppOptions>>(new ConfigurationChangeTokenSource<MppOptions>(Microsoft.Extensions.Options.Options.DefaultName, configuration));
            services.AddSingleton<IConfigureOptions<MppOptions>>(new ConfigureNamedOptions<MppOptions>(
                Microsoft.Extensions.Options.Options.DefaultName, o => ConfigurationShape.Bind(configuration, o, registrations.ClaimedSections)));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<MppStartupValidation>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MppStartupValidation>, MppStartupValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPaymentLedger>(static sp => new InMemoryPaymentLedger(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new MppTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => new OptionsInForce(
            sp.GetRequiredService<IOptionsMonitor<MppOptions>>(),
            sp.GetRequiredService<IOptionsMonitor<BudgetOptions>>(),
            sp.GetRequiredService<MppRegistrations>(),
            sp.GetRequiredService<MppTelemetry>(),
            sp.GetService<ILogger<MppOptions>>()));
        services.TryAddSingleton(static sp => new MppStartupCheck(
            sp.GetRequiredService<MppRegistrations>(),
            sp.GetServices<IPaymentMethod>(),
            sp.GetRequiredService<OptionsInForce>));
        services.TryAddSingleton(static sp => new SpendingPolicy(
            sp.GetRequiredService<MppStartupCheck>().Options,
            sp.GetRequiredService<IPaymentLedger>(),
            sp.GetServices<IPaymentApprover>()));
        services.TryAddSingleton(static sp =>
        {
            var methods = new Dictionary<string, IPaymentMethod>(StringComparer.Ordinal);
            foreach (var m in sp.GetServices<IPaymentMethod>())
            {
                methods.TryAdd(m.Method, m); // two wallets for one method fail start (MppStartupCheck)
            }

            var options = sp.GetRequiredService<MppStartupCheck>().Options;
            return new PaymentCoordinator(
                methods,
                sp.GetRequiredService<SpendingPolicy>(),
                sp.GetRequiredService<IPaymentLedger>(),
                () => options.CurrentValue,
                sp.GetServices<IPaymentObserver>(),
                sp.GetRequiredService<MppTelemetry>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<PaymentCoordinator>>() ?? (ILogger)NullLogger.Instance);
        });
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<MppStartupCheck>().Options;
            return new PaymentFlow(
                sp.GetRequiredService<PaymentCoordinator>(),
                sp.GetRequiredService<SpendingPolicy>(),
                () => options.CurrentValue,
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
