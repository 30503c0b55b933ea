using System.Globalization;
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
    /// <param name="challenge">The challenge.</param>
    /// <param name="terms">Its terms.</param>
    /// <param name="requestUri">The resource paid for (an HTTP URI, or another transport's resource URI).</param>
    /// <param name="asset">The asset and how it is counted.</param>
    /// <param name="displayAmount">The amount in the asset's display unit.</param>
    /// <param name="displayFee">The most the fee can be, in the same unit (zero without a fee).</param>
    public PaymentQuote(Challenge challenge, PaymentTerms terms, Uri requestUri, AssetInfo asset, decimal displayAmount, decimal displayFee = 0)
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
        DisplayFee = displayFee;
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

    /// <summary>The most the fee can be, in the budget unit (zero when the terms declare no fee).</summary>
    public decimal DisplayFee { get; }

    /// <summary>What the budget counts: <see cref="DisplayAmount"/> + <see cref="DisplayFee"/>.</summary>
    public decimal DisplayTotal => DisplayAmount + DisplayFee;

    /// <summary>A charge or a deposit.</summary>
    public PaymentKind Kind => Terms.Kind;

    /// <summary>The budget unit (e.g. <c>usd</c>).</summary>
    public string Unit => Asset.Unit;

    /// <summary>The recipient, when the request names one.</summary>
    public string? Recipient => Terms.Recipient;

    /// <summary>Every payee (primary and splits).</summary>
    public IReadOnlyList<string> Recipients => Terms.Recipients;

    /// <summary>The earliest of the challenge's and the request's expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <inheritdoc />
    /// <remarks>Amounts are shown in the budget unit only (never base units beside a display unit, which would misread).</remarks>
    public override string ToString() =>
        DisplayFee == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Method}/{Intent} {DisplayAmount} {Unit} to {Recipient ?? "-"} at {Origin}")
            : string.Create(CultureInfo.InvariantCulture, $"{Method}/{Intent} {DisplayAmount} {Unit} + fee up to {DisplayFee} {Unit} to {Recipient ?? "-"} at {Origin}");
}
