using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Mpp.Client.Lightning.Invoices;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using NBitcoin;

namespace Mpp.Client.Lightning.Testing;

/// <summary>
/// The <c>lightning</c> method of an <see cref="MppTestServer"/> (draft-lightning-charge-00): for each challenge it
/// issues a fresh regtest BOLT11 invoice for the price's amount in sat, signed with this verifier's node key, expiring
/// with the challenge, and gives its preimage to the <see cref="FakeLndNode"/> so that paying it there reveals the
/// preimage; the request carries <c>methodDetails</c> <c>invoice</c>, <c>paymentHash</c> and <c>network</c>. A
/// credential pays when its <c>payload.preimage</c> is 64 lowercase hex digits whose SHA-256 is the challenge's payment
/// hash, for an invoice whose amount is the request's (the server has already checked the challenge binding and expiry,
/// and uses the challenge up). The receipt reference is the payment hash. A price that sets its own
/// <c>methodDetails</c> (through <see cref="PriceOption.ExtraRequest"/>) is passed through unchanged, to test hostile
/// invoices.
/// </summary>
public sealed class LightningTestVerifier : ITestPaymentVerifier
{
    private readonly FakeLndNode _node;
    private readonly Key _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the verifier with a fresh node key.</summary>
    /// <param name="node">The fake node that will be able to pay the invoices issued.</param>
    /// <param name="timeProvider">The clock invoice timestamps come from (the server's); the system clock by default.</param>
    public LightningTestVerifier(FakeLndNode node, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        _node = node;
        _key = new Key();
        _time = timeProvider ?? TimeProvider.System;
        NodeId = _key.PubKey.ToHex();
    }

    /// <inheritdoc />
    public string Method => "lightning";

    /// <summary>The payee node id the invoices are signed by (33-byte compressed key, hex).</summary>
    public string NodeId { get; }

    /// <summary>Invoices issued so far, newest last.</summary>
    public IReadOnlyList<string> IssuedInvoices
    {
        get { lock (_issued) { return [.. _issued]; } }
    }

    private readonly List<string> _issued = [];

    /// <summary>Issues an invoice and writes the request carrying it.</summary>
    /// <param name="context">The price and its request.</param>
    /// <param name="cancellationToken">Not used.</param>
    /// <exception cref="FormatException">The price's amount is not a whole number of sat.</exception>
    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.TryGetProperty("methodDetails"u8, out _))
        {
            return new(context.Request);
        }

        var amountSat = long.Parse(context.Price.Amount, NumberStyles.None, CultureInfo.InvariantCulture);
        var preimage = RandomNumberGenerator.GetBytes(32);
        var hash = SHA256.HashData(preimage);
        var now = _time.GetUtcNow();
        var expiry = Math.Max(1, (long)Math.Ceiling((context.Expires - now).TotalSeconds));
        var invoice = new Bolt11Encoder(LightningNetwork.Regtest, checked(amountSat * 1000), now)
            .PaymentSecret(RandomNumberGenerator.GetBytes(32))
            .PaymentHash(hash)
            .Description(context.Price.Description ?? context.Path)
            .Expiry(expiry)
            .MinFinalCltvExpiry(18)
            .Features(8, 14)
            .Sign(_key);
        _node.AddInvoice(invoice, preimage);
        lock (_issued)
        {
            _issued.Add(invoice);
        }

        var buffer = new ArrayBufferWriter<byte>(invoice.Length + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in context.Request.EnumerateObject())
            {
                p.WriteTo(w);
            }

            w.WriteStartObject("methodDetails"u8);
            w.WriteString("invoice"u8, invoice);
            w.WriteString("paymentHash"u8, Convert.ToHexStringLower(hash));
            w.WriteString("network"u8, "regtest");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new(document.RootElement.Clone());
    }

    /// <inheritdoc />
    public ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var payload = credential.Payload;
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("preimage"u8, out var p) || p.ValueKind != JsonValueKind.String
            || p.GetString() is not { Length: 64 } preimage || !preimage.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return new(PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "payload.preimage must be 64 lowercase hex digits"));
        }

        var request = credential.Challenge.Request;
        if (!request.TryGetProperty("methodDetails"u8, out var details) || !details.TryGetProperty("invoice"u8, out var invoiceText)
            || invoiceText.GetString() is not { } text)
        {
            return new(PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "the challenge carries no invoice"));
        }

        Bolt11Invoice invoice;
        try
        {
            invoice = Bolt11Invoice.Decode(text);
        }
        catch (Bolt11FormatException)
        {
            return new(PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "the challenge's invoice is not valid"));
        }

        var amount = request.TryGetProperty("amount"u8, out var a) ? a.GetString() : null;
        var currency = request.TryGetProperty("currency"u8, out var c) ? c.GetString() : null;
        if (currency != "sat" || invoice.AmountMsat is not { } msat || amount != (msat / 1000).ToString(CultureInfo.InvariantCulture) || msat % 1000 != 0)
        {
            return new(PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "the request's amount and currency do not match the invoice"));
        }

        if (Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(preimage))) != invoice.PaymentHash)
        {
            return new(PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "the preimage does not match the payment hash"));
        }

        return new(PaymentVerificationResult.Success(invoice.PaymentHash));
    }
}
