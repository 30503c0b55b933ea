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
    /// Every payee (the primary <see cref="Recipient"/> and split recipients); each is checked against
    /// <c>AllowedRecipients</c>. Defaults to <see cref="Recipient"/> alone.
    /// </summary>
    public IReadOnlyList<string> Recipients
    {
        get => _recipients ?? (Recipient is null ? [] : [Recipient]);
        init => _recipients = value;
    }

    /// <summary>The most the wallet may spend beyond <see cref="Amount"/> (network or routing fee), counted against the budget like the amount.</summary>
    public PaymentFee? Fee { get; init; }

    /// <summary>A charge (the default) or a deposit (per-request caps do not apply to deposits).</summary>
    public PaymentKind Kind { get; init; }

    /// <summary>
    /// The ledger entry of the deposit this amount is paid from (a session voucher inside an open channel), or null. The
    /// money is already counted under that deposit, so the amount is checked against per-request caps and allow-lists
    /// but reserved without rolling or lifetime caps and without asking the approvers again (they saw the deposit), and
    /// recorded with <see cref="Ledger.LedgerCharge.ParentId"/> set; the rail that holds the deposit moves the amount out
    /// of the deposit's entry when the payee accepts it.
    /// </summary>
    public Guid? DepositEntryId { get; init; }

    private readonly IReadOnlyList<string>? _recipients;

    /// <summary>
    /// Reads the shared charge fields: <c>amount</c> (a string of decimal digits in base units), <c>currency</c>,
    /// optional <c>recipient</c>, <c>expires</c> and <c>externalId</c>.
    /// </summary>
    /// <exception cref="MppException">A field is missing or malformed (code <see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static PaymentTerms FromChargeRequest(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        string? amountText = null, currency = null, recipient = null, expiresText = null, externalId = null;
        foreach (var p in challenge.Request.EnumerateObject()) // one pass; the shape check already refused duplicate members
        {
            if (p.NameEquals("amount"u8))
            {
                amountText = String(p);
            }
            else if (p.NameEquals("currency"u8))
            {
                currency = String(p);
            }
            else if (p.NameEquals("recipient"u8))
            {
                recipient = String(p);
            }
            else if (p.NameEquals("expires"u8))
            {
                expiresText = String(p);
            }
            else if (p.NameEquals("externalId"u8))
            {
                externalId = String(p);
            }
        }

        if (amountText is null)
        {
            throw Invalid("The request has no amount.");
        }

        if (!TryParseAmount(amountText, out var amount))
        {
            throw Invalid("The request amount must be a non-negative integer string in base units.");
        }

        if (string.IsNullOrEmpty(currency))
        {
            throw Invalid("The request has no currency.");
        }

        DateTimeOffset? expires = null;
        if (expiresText is not null)
        {
            if (!Rfc3339.TryParse(expiresText, out var at))
            {
                throw Invalid("The request expires field is not an RFC 3339 date-time.");
            }

            expires = at;
        }

        return new PaymentTerms(amount, currency, recipient, expires, externalId);
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

        if (text.Length <= 19)
        {
            // The common case fits a ulong: no culture-aware BigInteger parse.
            ulong value = 0;
            foreach (var c in text)
            {
                value = (value * 10) + (ulong)(c - '0');
            }

            amount = value;
            return true;
        }

        amount = BigInteger.Parse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    private static string? String(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => p.Value.GetString(),
        _ => throw Invalid($"The request field '{p.Name}' must be a string."),
    };

    private static MppException Invalid(string message) => new(MppErrorCode.InvalidChallenge, message);
}
