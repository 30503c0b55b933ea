namespace Mpp.Client.Stripe;

/// <summary>What one Shared Payment Token may be used for: exactly one <c>stripe/charge</c> challenge.</summary>
public sealed class SharedPaymentTokenRequest
{
    /// <summary>The lowercase ISO 4217 currency (<c>usage_limits[currency]</c>).</summary>
    public required string Currency { get; init; }

    /// <summary>The most the seller may charge, in the currency's minor units (<c>usage_limits[max_amount]</c>).</summary>
    public required long MaxAmount { get; init; }

    /// <summary>When the token stops working (<c>usage_limits[expires_at]</c>), never after the challenge expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The seller's Stripe network business profile (the challenge's <c>methodDetails.networkId</c>).</summary>
    public required string NetworkId { get; init; }

    /// <summary>The merchant's reference from the challenge, if any (<c>seller_details[external_id]</c>).</summary>
    public string? ExternalId { get; init; }

    /// <summary>The challenge's <c>methodDetails.metadata</c>, if any.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(0);

    /// <summary>
    /// The Stripe idempotency key: derived from the challenge (and the payee) and the issuer's identity, so a retry of the
    /// same challenge never mints a second token.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The id of the challenge paid (for the issuer's own records).</summary>
    public required string ChallengeId { get; init; }
}
