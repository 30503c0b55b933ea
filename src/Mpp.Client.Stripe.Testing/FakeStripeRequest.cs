namespace Mpp.Client.Stripe.Testing;

/// <summary>One HTTP request the fake Stripe received (recorded before any check, so refused requests are listed too).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/v1/shared_payment/issued_tokens</c>.</param>
/// <param name="Form">The form-encoded parameters (the first value of each).</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header, or null.</param>
/// <param name="StripeVersion">The <c>Stripe-Version</c> header, or null.</param>
/// <param name="Authenticated">Whether the request carried one of the fake's keys.</param>
public sealed record FakeStripeRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Form,
    string? IdempotencyKey,
    string? StripeVersion,
    bool Authenticated);
