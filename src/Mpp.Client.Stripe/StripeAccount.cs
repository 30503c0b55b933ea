namespace Mpp.Client.Stripe;

/// <summary>
/// The account the Stripe wallet mints Shared Payment Tokens with (resolve it from the service provider after
/// <c>AddStripe()</c>): its non-secret identity and mode, for status displays and checks. Never the key.
/// </summary>
public sealed class StripeAccount
{
    internal StripeAccount(ISharedPaymentTokenIssuer issuer)
    {
        Identity = issuer.Identity;
        LiveMode = issuer.LiveMode;
    }

    /// <summary>The issuer's stable, non-secret name (<c>stripe:test:pm_card_visa</c> for the built-in issuer).</summary>
    public string Identity { get; }

    /// <summary>True when tokens are minted in live mode, false in test mode (for the built-in issuer: what the key's
    /// prefix says, <c>sk_live_</c>/<c>rk_live_</c> or <c>sk_test_</c>/<c>rk_test_</c>), null when the issuer does not say.</summary>
    public bool? LiveMode { get; }

    /// <inheritdoc />
    public override string ToString() => $"StripeAccount {{ Identity = {Identity} }}";
}
