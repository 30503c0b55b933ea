using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Methods;

/// <summary>
/// What a challenge asks the payer to pay, read from its request: the amount in base units, the currency or asset, and
/// the recipient (charge intent spec, draft-payment-intent-charge-00 § "Request Schema").
/// </summary>
public sealed class PaymentTerms
{
    /// <summary>Creates terms.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is negative.</exception>
    public PaymentTerms(BigInteger amount, string currency, string? recipient = null, DateTimeOffset? expiresAt = null, string? externalId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        Amount = amount;
        Currency = currency;
        Recipient = recipient;
        ExpiresAt = expiresAt;
        ExternalId = externalId;
    }

    /// <summary>The amount in the asset's base units (cents, satoshis, 10^-6 of a stablecoin, ...).</summary>
    public BigInteger Amount { get; }

    /// <summary>The currency code or asset address, as the server sent it.</summary>
    public string Currency { get; }

    /// <summary>Who is paid, when the request names it.</summary>
    public string? Recipient { get; }

    /// <summary>The request-level expiry, when the request carries one.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The merchant's reference, when present.</summary>
    public string? ExternalId { get; }

    /// <summary>
    /// Reads the shared charge fields: <c>amount</c> (a string of decimal digits in base units), <c>currency</c>,
    /// optional <c>recipient</c>, <c>expires</c> and <c>externalId</c>.
    /// </summary>
    /// <exception cref="MppException">A field is missing or malformed (code <see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static PaymentTerms FromChargeRequest(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var r = challenge.Request;
        var amountText = String(r, "amount") ?? throw Invalid("The request has no amount.");
        if (!TryParseAmount(amountText, out var amount))
        {
            throw Invalid("The request amount must be a non-negative integer string in base units.");
        }

        var currency = String(r, "currency");
        if (string.IsNullOrEmpty(currency))
        {
            throw Invalid("The request has no currency.");
        }

        DateTimeOffset? expires = null;
        if (String(r, "expires") is { } e)
        {
            if (!Rfc3339.TryParse(e, out var at))
            {
                throw Invalid("The request expires field is not an RFC 3339 date-time.");
            }

            expires = at;
        }

        return new PaymentTerms(amount, currency, String(r, "recipient"), expires, String(r, "externalId"));
    }

    /// <summary>Parses a base-unit amount: ASCII digits only, no sign, no decimal point, at most 78 digits.</summary>
    public static bool TryParseAmount(string text, out BigInteger amount)
    {
        amount = BigInteger.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 78)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (text.Length > 1 && text[0] == '0')
        {
            return false;
        }

        amount = BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    private static string? String(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid($"The request field '{name}' must be a string.");
    }

    private static MppException Invalid(string message) => new(MppErrorCode.InvalidChallenge, message);
}
