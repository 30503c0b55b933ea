namespace Mpp.Client.Lightning.Invoices;

/// <summary>
/// A decoded, signature-checked BOLT11 invoice (lightning/bolts <c>11-payment-encoding.md</c>): prefix and amount, the
/// timestamp, the tagged fields and the payee node id (the <c>n</c> field when present, which the signature must verify
/// against; otherwise the key recovered from the signature).
/// </summary>
public sealed class Bolt11Invoice
{
    internal Bolt11Invoice()
    {
    }

    /// <summary>The invoice as given, lower-cased.</summary>
    public string PaymentRequest { get; internal init; } = "";

    /// <summary>The network the prefix names.</summary>
    public LightningNetwork Network { get; internal init; }

    /// <summary>The human-readable prefix (<c>lnbc</c>, <c>lntb</c>, <c>lntbs</c>, <c>lnbcrt</c>).</summary>
    public string Prefix { get; internal init; } = "";

    /// <summary>The amount asked, in millisatoshis, or <see langword="null"/> when the invoice names none (a donation).</summary>
    public long? AmountMsat { get; internal init; }

    /// <summary>When the invoice was created (seconds precision).</summary>
    public DateTimeOffset Timestamp { get; internal init; }

    /// <summary>How long after <see cref="Timestamp"/> the invoice may be paid (<c>x</c> field; 3600 seconds by default).</summary>
    public TimeSpan Expiry { get; internal init; }

    /// <summary>When the invoice expires: <see cref="Timestamp"/> + <see cref="Expiry"/>.</summary>
    public DateTimeOffset ExpiresAt => Timestamp + Expiry;

    /// <summary>The payment hash (<c>p</c> field), 32 bytes as lowercase hex.</summary>
    public string PaymentHash { get; internal init; } = "";

    /// <summary>The payment secret (<c>s</c> field), 32 bytes as lowercase hex, or <see langword="null"/> (legacy invoices).</summary>
    public string? PaymentSecret { get; internal init; }

    /// <summary>The description (<c>d</c> field), or <see langword="null"/> when the invoice commits to a hash instead.</summary>
    public string? Description { get; internal init; }

    /// <summary>The SHA-256 of the description (<c>h</c> field) as lowercase hex, or <see langword="null"/>.</summary>
    public string? DescriptionHash { get; internal init; }

    /// <summary>The minimum final CLTV expiry delta (<c>c</c> field; 18 by default).</summary>
    public long MinFinalCltvExpiry { get; internal init; }

    /// <summary>The payee's node id, 33-byte compressed public key as lowercase hex.</summary>
    public string PayeeNodeId { get; internal init; } = "";

    /// <summary>True when the invoice carried the payee in an <c>n</c> field (the signature was verified against it).</summary>
    public bool PayeeNodeIdExplicit { get; internal init; }

    /// <summary>The on-chain fallback addresses (<c>f</c> fields) of known versions, most preferred first.</summary>
    public IReadOnlyList<Bolt11FallbackAddress> FallbackAddresses { get; internal init; } = [];

    /// <summary>The private route hints (<c>r</c> fields), one list of hops per route.</summary>
    public IReadOnlyList<IReadOnlyList<Bolt11RouteHop>> RouteHints { get; internal init; } = [];

    /// <summary>The feature bits set (<c>9</c> field), ascending.</summary>
    public IReadOnlyList<int> FeatureBits { get; internal init; } = [];

    /// <summary>The payment metadata (<c>m</c> field) as lowercase hex, or <see langword="null"/>.</summary>
    public string? Metadata { get; internal init; }

    /// <summary>
    /// Decodes and checks <paramref name="paymentRequest"/>: bech32 (any length, either case), prefix, amount (a
    /// <c>p</c> amount must be whole millisatoshis), tagged fields (unknown ones and ones of the wrong length skipped,
    /// unknown required features refused), exactly one description or description hash, and the signature (against the
    /// <c>n</c> field when present, else by recovery).
    /// </summary>
    /// <param name="paymentRequest">The invoice, without a <c>lightning:</c> prefix.</param>
    /// <returns>The invoice.</returns>
    /// <exception cref="Bolt11FormatException">The invoice is invalid; <see cref="Bolt11FormatException.Error"/> says why.</exception>
    public static Bolt11Invoice Decode(string paymentRequest)
    {
        ArgumentNullException.ThrowIfNull(paymentRequest);
        return Bolt11Decoder.Decode(paymentRequest);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Bolt11Invoice {{ {Prefix}, {(AmountMsat is { } a ? a + " msat" : "no amount")}, hash {PaymentHash}, payee {PayeeNodeId}, expires {ExpiresAt:O} }}";
}
