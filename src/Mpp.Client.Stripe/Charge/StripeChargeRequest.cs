namespace Mpp.Client.Stripe.Charge;

/// <summary>A checked <c>stripe/charge</c> request (draft-stripe-charge-00 § "Request Schema").</summary>
internal sealed record StripeChargeRequest(
    long Amount,
    string Currency,
    string NetworkId,
    IReadOnlyList<string> PaymentMethodTypes,
    IReadOnlyDictionary<string, string> Metadata,
    string? ExternalId,
    bool? LiveMode);
