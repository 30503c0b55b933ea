namespace Mpp.Client.Stripe;

/// <summary>
/// Mints Shared Payment Tokens for the Stripe wallet. The default one (used when a <c>Mpp:Stripe:SecretKey</c> is set)
/// calls Stripe through Stripe.net; register your own to ask a separate minting service that holds the key.
/// </summary>
/// <remarks>
/// Throw <see cref="Methods.PaymentMethodException"/> for typed, secret-free failures (a provider's error code and
/// request id in its details); any other exception is reported by type name only.
/// </remarks>
public interface ISharedPaymentTokenIssuer
{
    /// <summary>
    /// A stable, non-secret name of the account and payment method minting (mixed into the idempotency key, so that two
    /// issuers never share one).
    /// </summary>
    string Identity { get; }

    /// <summary>True when tokens are minted in live mode, false in test mode, null when unknown (no mode check then).</summary>
    bool? LiveMode { get; }

    /// <summary>Mints one token limited as <paramref name="request"/> says.</summary>
    /// <param name="request">The limits, the seller and the idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token, <c>active</c>, or another status (<c>requires_action</c> with its next action).</returns>
    ValueTask<SharedPaymentToken> IssueAsync(SharedPaymentTokenRequest request, CancellationToken cancellationToken);
}
