using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.X402;
using Mpp.Client.X402.Exact;
using Mpp.Client.X402.Http;
using Mpp.Client.X402.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds x402 (<c>x402/exact</c> on EVM networks, v1 and v2) to the Mpp services.</summary>
public static class X402MppBuilderExtensions
{
    /// <summary>
    /// Adds the x402 scheme and its <c>exact</c> EVM wallet, configured from <c>Mpp:X402</c> (<see cref="X402Options"/>) and
    /// then <paramref name="configure"/>, signing with <see cref="X402Options.PrivateKey"/>, or with the
    /// <see cref="IEvmSigner"/> registered in the service collection when there is one. The payment handler then reads
    /// x402 402s next to <c>Payment</c> challenges (a <c>Payment</c> challenge is preferred when both are offered, unless
    /// <c>Mpp:Preferences</c> rank <c>x402/exact</c> higher) and pays them under the same policy, ledger and budget. USDC
    /// on the chains x402 knows is counted as <c>usd</c>. The settings are checked when the Mpp services start, every
    /// problem listed at once. A reconciler for <c>PaymentReconciliation</c> is registered too: with
    /// <see cref="X402Options.Rpc"/> set for a chain, a payment of unknown outcome there is settled or released from the
    /// token's <c>authorizationState</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">x402 was already added.</exception>
    public static MppBuilder AddX402(this MppBuilder builder, Action<X402Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(X402Marker)))
        {
            throw new InvalidOperationException("AddX402 was called twice; one x402 wallet pays all x402 requirements.");
        }

        builder.Services.AddSingleton<X402Marker>();
        builder.ClaimSection(X402Options.SectionName);
        var section = builder.Configuration?.GetSection(X402Options.SectionName);
        var options = builder.Services.AddOptions<X402Options>();
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        foreach (var token in KnownTokens.All)
        {
            builder.AddAsset(token.Address, KnownTokens.UsdcDecimals, "usd");
        }

        builder.Services.AddSingleton(sp => X402Wallet.Create(
            sp.GetRequiredService<IOptions<X402Options>>().Value,
            section,
            sp.GetService<IEvmSigner>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IPaymentMethod>(sp => sp.GetRequiredService<X402ExactMethod>());
        builder.Services.AddSingleton<IHttpPaymentScheme>(sp => new X402Scheme(sp.GetRequiredService<TimeProvider>()));

        // Unknown outcomes: the token's authorizationState, through a node client that never pays 402s nor logs URLs.
        builder.Services.AddHttpClient(X402TokenRpc.HttpClientName).RemoveAllLoggers().WithoutMppPayments();
        builder.Services.AddSingleton<IPaymentReconciler>(sp => new X402Reconciler(
            sp.GetRequiredService<X402ExactMethod>(), // checks the settings first
            new X402TokenRpc(
                () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(X402TokenRpc.HttpClientName),
                X402Wallet.Endpoints(sp.GetRequiredService<IOptions<X402Options>>().Value)),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Adds x402 signing with <paramref name="signer"/> (a KMS, HSM or remote signer) instead of a raw key.</summary>
    /// <exception cref="InvalidOperationException">x402 was already added.</exception>
    public static MppBuilder AddX402(this MppBuilder builder, IEvmSigner signer, Action<X402Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(signer);
        builder.Services.AddSingleton(signer);
        return builder.AddX402(configure);
    }

    /// <summary>Marks that x402 is registered.</summary>
    private sealed class X402Marker;
}
