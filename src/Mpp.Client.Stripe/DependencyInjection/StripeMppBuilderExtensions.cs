using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Methods;
using Mpp.Client.Stripe;
using Mpp.Client.Stripe.Charge;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Stripe wallet (<c>stripe/charge</c>, Shared Payment Tokens) to the Mpp services.</summary>
public static class StripeMppBuilderExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> Stripe.net talks to Stripe with (never one whose pipeline pays 402s):
    /// the payment handler <c>AddMppPayments</c> adds to every client is removed from it, and so is its request logging.
    /// </summary>
    public const string StripeHttpClientName = "Mpp.Stripe";

    /// <summary>
    /// Adds the Stripe wallet, configured from <c>Mpp:Stripe</c> (<see cref="StripeOptions"/>) and then
    /// <paramref name="configure"/>, minting with <see cref="StripeOptions.SecretKey"/> through Stripe.net, or with the
    /// <see cref="ISharedPaymentTokenIssuer"/> registered in the service collection when there is one. The settings are
    /// checked when the Mpp services start (or the first paying client is created), every problem listed at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The Stripe wallet was already added.</exception>
    public static MppBuilder AddStripe(this MppBuilder builder, Action<StripeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(StripeWalletMarker)))
        {
            throw new InvalidOperationException("AddStripe was called twice; one Stripe wallet pays all stripe challenges.");
        }

        builder.Services.AddSingleton<StripeWalletMarker>();
        builder.ClaimSection(StripeOptions.SectionName);
        var section = builder.Configuration?.GetSection(StripeOptions.SectionName);
        var options = builder.Services.AddOptions<StripeOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddHttpClient(StripeHttpClientName)
            .RemoveAllLoggers()
            .WithoutMppPayments();
        builder.Services.AddSingleton(sp => StripeWallet.Create(
            sp.GetRequiredService<IOptions<StripeOptions>>().Value,
            section,
            sp.GetService<ISharedPaymentTokenIssuer>(),
            // Resolved on first use: the factory's options depend on the payment flow, which depends on the wallets.
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(StripeHttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Mpp.Client.Stripe")));
        builder.Services.AddSingleton<IPaymentMethod>(sp => sp.GetRequiredService<StripeChargeMethod>());
        builder.Services.AddSingleton(sp => new StripeAccount(sp.GetRequiredService<StripeChargeMethod>().Issuer));
        return builder;
    }

    /// <summary>Adds the Stripe wallet minting with <paramref name="issuer"/> (e.g. the team's own minting service) instead of a key.</summary>
    /// <exception cref="InvalidOperationException">The Stripe wallet was already added.</exception>
    public static MppBuilder AddStripe(this MppBuilder builder, ISharedPaymentTokenIssuer issuer, Action<StripeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(issuer);
        builder.Services.AddSingleton(issuer);
        return builder.AddStripe(configure);
    }

    /// <summary>Marks that the Stripe wallet is registered.</summary>
    private sealed class StripeWalletMarker;
}
