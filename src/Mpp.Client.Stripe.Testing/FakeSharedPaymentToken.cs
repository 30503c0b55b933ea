namespace Mpp.Client.Stripe.Testing;

/// <summary>A Shared Payment Token the fake Stripe minted, as it stands now.</summary>
/// <param name="Id">The token id (<c>spt_…</c>).</param>
/// <param name="PaymentMethod">The payment method it charges.</param>
/// <param name="Currency">Its currency limit.</param>
/// <param name="MaxAmount">Its amount limit, in minor units.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="NetworkId">The seller's network profile it is limited to.</param>
/// <param name="ExternalId">The seller's external id, if given.</param>
/// <param name="Status"><c>active</c> or <c>requires_action</c>.</param>
/// <param name="PaymentIntent">The PaymentIntent that used it, or null while unused.</param>
public sealed record FakeSharedPaymentToken(
    string Id,
    string PaymentMethod,
    string Currency,
    long MaxAmount,
    DateTimeOffset ExpiresAt,
    string NetworkId,
    string? ExternalId,
    string Status,
    string? PaymentIntent);
