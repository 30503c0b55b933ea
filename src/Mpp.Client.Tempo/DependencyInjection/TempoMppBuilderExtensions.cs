using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Tempo.Session;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Methods;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Charge;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Tempo wallet (<c>tempo/charge</c>) to the Mpp services.</summary>
public static class TempoMppBuilderExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> the wallet talks to Tempo nodes with (never one whose pipeline pays 402s).
    /// Add handlers to it with <c>services.AddHttpClient(TempoMppBuilderExtensions.RpcHttpClientName)</c>; the payment
    /// handler <c>AddMppPayments</c> adds to every client is removed from it, and so is its request logging (node URLs
    /// often carry an API key).
    /// </summary>
    public const string RpcHttpClientName = "Mpp.Tempo.Rpc";

    /// <summary>
    /// Adds the Tempo wallet, configured from <c>Mpp:Tempo</c> (<see cref="TempoOptions"/>) and then
    /// <paramref name="configure"/>, signing with <see cref="TempoOptions.PrivateKey"/>, or with the
    /// <see cref="ITempoSigner"/> registered in the service collection when there is one. The settings are checked when
    /// the Mpp services start (or the first paying client is created), every problem listed at once. The account paid
    /// from is the <see cref="TempoAccount"/> service; a reconciler for <c>PaymentReconciliation</c> looks up Tempo
    /// payments whose outcome is unknown by their transaction hash.
    /// </summary>
    /// <exception cref="InvalidOperationException">The Tempo wallet was already added.</exception>
    public static MppBuilder AddTempo(this MppBuilder builder, Action<TempoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(TempoWalletMarker)))
        {
            throw new InvalidOperationException("AddTempo was called twice; one Tempo wallet pays all tempo challenges.");
        }

        builder.Services.AddSingleton<TempoWalletMarker>();
        builder.ClaimSection(TempoOptions.SectionName);
        var section = builder.Configuration?.GetSection(TempoOptions.SectionName);
        var options = builder.Services.AddOptions<TempoOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        // USDC.e counts as usd like the built-in pathUSD; Mpp:AllowedAssets still decides what may be paid.
        builder.AddAsset(TempoChains.UsdcE, TempoChains.StablecoinDecimals, "usd");
        // AddMppPayments puts the payment handler on every factory client; the node client must never pay (nor wait on a
        // payment in progress), so it is taken out of this client's pipeline after the defaults added it.
        builder.Services.AddHttpClient(RpcHttpClientName)
            .RemoveAllLoggers()
            .WithoutMppPayments();
        builder.Services.AddSingleton(sp => TempoWallet.Create(
            sp.GetRequiredService<IOptions<TempoOptions>>().Value,
            section,
            sp.GetService<ITempoSigner>(),
            // Resolved on first use: the factory's options depend on the payment flow, which depends on the wallets.
            () => sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHttpClient(SessionHttpClientName).RemoveAllLoggers().WithoutMppPayments();
        builder.Services.AddSingleton(sp => EnableSessions(sp, sp.GetRequiredService<TempoChargeMethod>()));
        builder.Services.AddSingleton<IPaymentMethod>(sp => sp.GetRequiredService<SessionsEnabled>().Method);
        builder.Services.AddSingleton(sp => new TempoSessions(() => sp.GetRequiredService<SessionsEnabled>().Method.Sessions));
        builder.Services.AddHostedService<TempoSessionsShutdown>();
        builder.Services.AddSingleton<IPreemptivePayer>(sp => new TempoSessionPayerGate(() => sp.GetRequiredService<SessionsEnabled>().Method.Sessions));
        builder.Services.AddSingleton(sp => new TempoAccount(sp.GetRequiredService<TempoChargeMethod>().Address, sp.GetRequiredService<TempoChargeMethod>().NodesByChain));
        builder.Services.AddSingleton<IPaymentReconciler>(sp => new TempoReconciler(sp.GetRequiredService<TempoChargeMethod>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Adds the Tempo wallet signing with <paramref name="signer"/> (a KMS, HSM or remote signer) instead of a raw key.</summary>
    /// <exception cref="InvalidOperationException">The Tempo wallet was already added.</exception>
    public static MppBuilder AddTempo(this MppBuilder builder, ITempoSigner signer, Action<TempoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(signer);
        builder.Services.AddSingleton(signer);
        return builder.AddTempo(configure);
    }

    /// <summary>
    /// The name of the <see cref="HttpClient"/> that posts session top-ups and closes to the payee (never one whose
    /// pipeline pays 402s; request logging removed: its headers carry credentials).
    /// </summary>
    public const string SessionHttpClientName = "Mpp.Tempo.Session";

    private static SessionsEnabled EnableSessions(IServiceProvider sp, TempoChargeMethod method)
    {
        if (method.SessionSettings is { } settings && method.Sessions is null)
        {
            var options = sp.GetRequiredService<IOptions<TempoOptions>>().Value.Session;
            // A registered store first, then the configured file, then the durable ledger's own database (channels and
            // the money locked in them kept together), and memory last.
            var store = sp.GetService<IChannelStore>()
                ?? (options.ChannelStorePath is { } path ? new FileChannelStore(path)
                    : new DeferredChannelStore(() => sp.GetRequiredService<IPaymentLedger>() is IWalletStateStore durable
                        ? new LedgerChannelStore(durable)
                        : new InMemoryChannelStore()));
            method.EnableSessions(settings, store, () => sp.GetRequiredService<IPaymentLedger>(), () => sp.GetRequiredService<SpendingPolicy>(),
                () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(SessionHttpClientName),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Mpp.Client.Tempo.Session") ?? (ILogger)NullLogger.Instance);
        }

        return new SessionsEnabled(method);
    }

    /// <summary>The wallet once its sessions (if configured) are wired.</summary>
    private sealed record SessionsEnabled(TempoChargeMethod Method);

    /// <summary>Marks that the Tempo wallet is registered.</summary>
    private sealed class TempoWalletMarker;
}
