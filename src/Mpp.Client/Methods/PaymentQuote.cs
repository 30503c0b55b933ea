using System.Numerics;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Methods;

/// <summary>
/// What paying one challenge would cost and to whom, as the policy, the approver, events and the payment method see it
/// before any credential exists.
/// </summary>
public sealed class PaymentQuote
{
    /// <summary>Creates a quote.</summary>
    public PaymentQuote(Challenge challenge, PaymentTerms terms, Uri requestUri, AssetInfo asset, decimal displayAmount)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentNullException.ThrowIfNull(asset);
        Challenge = challenge;
        Terms = terms;
        RequestUri = requestUri;
        Asset = asset;
        DisplayAmount = displayAmount;
        Origin = requestUri.GetLeftPart(UriPartial.Authority);
        Host = requestUri.IdnHost.ToLowerInvariant();
        ExpiresAt = (challenge.ExpiresAt, terms.ExpiresAt) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => null,
        };
    }

    /// <summary>The challenge being paid.</summary>
    public Challenge Challenge { get; }

    /// <summary>The terms read from the challenge request.</summary>
    public PaymentTerms Terms { get; }

    /// <summary>The URI of the request that is paid for.</summary>
    public Uri RequestUri { get; }

    /// <summary>The origin (scheme, host, port) that issued the challenge.</summary>
    public string Origin { get; }

    /// <summary>The host that issued the challenge, lowercase.</summary>
    public string Host { get; }

    /// <summary>The payment method identifier.</summary>
    public string Method => Challenge.Method;

    /// <summary>The payment intent.</summary>
    public string Intent => Challenge.Intent;

    /// <summary>The amount in base units.</summary>
    public BigInteger Amount => Terms.Amount;

    /// <summary>The asset and how it is counted.</summary>
    public AssetInfo Asset { get; }

    /// <summary>The amount in the asset's display unit (e.g. 0.01 for 10000 base units of a 6-decimal stablecoin).</summary>
    public decimal DisplayAmount { get; }

    /// <summary>The budget unit (e.g. <c>usd</c>).</summary>
    public string Unit => Asset.Unit;

    /// <summary>The recipient, when the request names one.</summary>
    public string? Recipient => Terms.Recipient;

    /// <summary>The earliest of the challenge's and the request's expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Method}/{Intent} {DisplayAmount} {Unit} ({Amount} {Asset.Key}) to {Recipient ?? "-"} at {Origin}";
}
