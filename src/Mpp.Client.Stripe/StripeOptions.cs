namespace Mpp.Client.Stripe;

/// <summary>
/// The Stripe wallet's settings, bound from <c>Mpp:Stripe</c> by <c>AddStripe()</c>.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="SecretKey"/>.</remarks>
public sealed class StripeOptions
{
    /// <summary>The configuration section name under <c>Mpp</c>.</summary>
    public const string SectionName = "Stripe";

    /// <summary>
    /// The preview API version sent as <c>Stripe-Version</c> when minting (Shared Payment Tokens are a preview API; mppx
    /// 0.11.0 sends the same version when it redeems them).
    /// </summary>
    public const string DefaultApiVersion = "2026-07-29.preview";

    /// <summary>
    /// The Stripe secret (<c>sk_test_…</c>, <c>sk_live_…</c>) or restricted (<c>rk_…</c>) key that mints the tokens. Give
    /// it through a secret source (user secrets, the environment variable <c>Mpp__Stripe__SecretKey</c>, a vault), or
    /// leave it unset and register your own <see cref="ISharedPaymentTokenIssuer"/>.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>The saved payment method the tokens charge (<c>pm_…</c>).</summary>
    public string? PaymentMethod { get; set; }

    /// <summary>
    /// The payment method types <see cref="PaymentMethod"/> can serve (<c>card</c> by default); a challenge whose
    /// <c>methodDetails.paymentMethodTypes</c> names none of them is refused before minting.
    /// </summary>
    public IList<string> PaymentMethodTypes { get; } = new List<string>();

    /// <summary>Overrides Stripe's API base (a proxy, or a local fake in tests), through Stripe.net's <c>ApiBase</c> setting.</summary>
    public string? ApiBase { get; set; }

    /// <summary>The <c>Stripe-Version</c> sent when minting; <see cref="DefaultApiVersion"/> by default.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>
    /// Whether test-mode keys mint with Stripe's test helper <c>POST /v1/test_helpers/shared_payment/granted_tokens</c>
    /// (as mppx's CLI does) instead of <c>POST /v1/shared_payment/issued_tokens</c>. True by default; live keys always
    /// use <c>issued_tokens</c>.
    /// </summary>
    public bool UseTestHelperInTestMode { get; set; } = true;

    /// <summary>How many times Stripe.net retries a request that failed in transit or was rate limited (0 to 5; 2 by default).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>
    /// How long a token lives when the challenge carries no expiry (at most until the challenge expires otherwise).
    /// Ten minutes by default.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc/>
    public override string ToString() =>
        $"StripeOptions {{ SecretKey = {(SecretKey is null ? "unset" : "***")}, PaymentMethod = {PaymentMethod ?? "unset"}, ApiBase = {(ApiBase is null ? "default" : "set")} }}";
}
