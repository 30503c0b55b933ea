using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Ledger;
using Mpp.Client.Lightning;
using Mpp.Client.Lightning.Charge;
using Mpp.Client.Lightning.Lnd;
using Mpp.Client.Lightning.Nodes;
using Mpp.Client.Methods;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Lightning wallet (<c>lightning/charge</c>, BOLT11 invoices paid through your node) to the Mpp services.</summary>
public static class LightningMppBuilderExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> the LND adapter talks to the node with: it pins the node's certificate,
    /// and the payment handler and request logging are removed from it.
    /// </summary>
    public const string LndHttpClientName = "Mpp.Lightning.Lnd";

    /// <summary>
    /// Adds the Lightning wallet, configured from <c>Mpp:Lightning</c> (<see cref="LightningOptions"/>) and then
    /// <paramref name="configure"/>, paying through the LND node of <see cref="LightningOptions.Lnd"/>, or through the
    /// <see cref="ILightningNode"/> registered in the service collection when there is one. The settings are checked when
    /// the Mpp services start, every problem listed at once. A reconciler for <c>PaymentReconciliation</c> looks up
    /// payments whose outcome is unknown by their payment hash.
    /// </summary>
    /// <exception cref="InvalidOperationException">The Lightning wallet was already added.</exception>
    public static MppBuilder AddLightning(this MppBuilder builder, Action<LightningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(LightningWalletMarker)))
        {
            throw new InvalidOperationException("AddLightning was called twice; one Lightning wallet pays all lightning challenges.");
        }

        builder.Services.AddSingleton<LightningWalletMarker>();
        builder.ClaimSection(LightningOptions.SectionName);
        var section = builder.Configuration?.GetSection(LightningOptions.SectionName);
        var options = builder.Services.AddOptions<LightningOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddHttpClient(LndHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => LndCertificatePin.Load(sp.GetRequiredService<IOptions<LightningOptions>>().Value.Lnd).CreateHandler())
            .RemoveAllLoggers()
            .WithoutMppPayments();
        builder.Services.AddSingleton(sp => LightningWallet.Create(
            sp.GetRequiredService<IOptions<LightningOptions>>().Value,
            section,
            sp.GetService<ILightningNode>(),
            // Resolved on first use: the factory's options depend on the payment flow, which depends on the wallets.
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(LndHttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Mpp.Client.Lightning")));
        builder.Services.AddSingleton<IPaymentMethod>(sp => sp.GetRequiredService<LightningChargeMethod>());
        builder.Services.AddSingleton<IPaymentReconciler>(sp => new LightningReconciler(sp.GetRequiredService<LightningChargeMethod>()));
        return builder;
    }

    /// <summary>Adds the Lightning wallet paying through <paramref name="node"/> (another node, a hosted wallet) instead of LND REST.</summary>
    /// <exception cref="InvalidOperationException">The Lightning wallet was already added.</exception>
    public static MppBuilder AddLightning(this MppBuilder builder, ILightningNode node, Action<LightningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(node);
        builder.Services.AddSingleton(node);
        return builder.AddLightning(configure);
    }

    /// <summary>Marks that the Lightning wallet is registered.</summary>
    private sealed class LightningWalletMarker;
}
