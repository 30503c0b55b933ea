using System.Buffers;
using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// The <c>Payment-Receipt</c> of a paid response (core spec draft-02 § "Payment-Receipt Header"): base64url JSON with
/// <c>status</c>, <c>method</c>, <c>timestamp</c>, <c>reference</c> (all four required, as the official receipt vectors
/// require) and method-defined extra fields, which are kept.
/// </summary>
public sealed class PaymentReceipt
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoExtra = new Dictionary<string, JsonElement>();

    /// <summary>Creates a receipt.</summary>
    /// <exception cref="ArgumentException"><paramref name="status"/>, <paramref name="method"/> or <paramref name="reference"/> is null or empty, or <paramref name="timestamp"/> is null.</exception>
    public PaymentReceipt(string status, string method, string timestamp, string reference, string? externalId = null, IReadOnlyDictionary<string, JsonElement>? extra = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        Status = status;
        Method = method;
        Timestamp = timestamp;
        Reference = reference;
        ExternalId = externalId;
        Extra = extra ?? NoExtra;
        TimestampValue = Rfc3339.TryParse(timestamp, out var at) ? at : null;
    }

    /// <summary>Always <c>success</c> for a conforming server.</summary>
    public string Status { get; }

    /// <summary>The payment method used (required: a receipt without it does not parse).</summary>
    public string Method { get; }

    /// <summary>The settlement time as sent (RFC 3339).</summary>
    public string Timestamp { get; }

    /// <summary>The parsed <see cref="Timestamp"/>, or <see langword="null"/> when it is not RFC 3339.</summary>
    public DateTimeOffset? TimestampValue { get; }

    /// <summary>The method-specific reference (transaction hash, invoice id, ...).</summary>
    public string Reference { get; }

    /// <summary>The merchant's external id, when the server echoes one.</summary>
    public string? ExternalId { get; }

    /// <summary>Every other member of the receipt, unchanged.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; }

    /// <summary>Parses a <c>Payment-Receipt</c> field value.</summary>
    /// <exception cref="MppFormatException">
    /// The value is not base64url JSON with the required string members <c>status</c>, <c>method</c>, <c>timestamp</c> (RFC 3339)
    /// and <c>reference</c> (code <see cref="MppErrorCode.InvalidReceipt"/>).
    /// </exception>
    public static PaymentReceipt Parse(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        var text = headerValue.AsSpan().Trim();
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(text.Length)));
        try
        {
            if (!Base64Url.TryDecode(text, rented, out var written) || written == 0)
            {
                throw Invalid("The receipt is not valid base64url.");
            }

            return ParseJson(rented.AsMemory(0, written));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Reads a receipt given as a JSON object (the MCP transport's <c>org.paymentauth/receipt</c>), with the same rules as
    /// <see cref="Parse"/>.
    /// </summary>
    /// <exception cref="MppFormatException">The object lacks a required member or one is malformed (code <see cref="MppErrorCode.InvalidReceipt"/>).</exception>
    public static PaymentReceipt FromJson(JsonElement receipt)
    {
        if (receipt.ValueKind == JsonValueKind.Object && JsonShape.CheckObject(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(receipt)) is { } problem)
        {
            throw Invalid("The receipt " + problem + ".");
        }

        return FromElement(receipt);
    }

    private static PaymentReceipt ParseJson(ReadOnlyMemory<byte> bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, StrictJson.Options);
        }
        catch (JsonException ex)
        {
            throw new MppFormatException(MppErrorCode.InvalidReceipt, "The receipt does not decode to JSON.", ex);
        }

        using (doc)
        {
            return FromElement(doc.RootElement);
        }
    }

    private static PaymentReceipt FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The receipt must be a JSON object.");
        }

        string? status = null, method = null, timestamp = null, reference = null, externalId = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "status": status = RequireString(p); break;
                case "method": method = RequireString(p); break;
                case "timestamp": timestamp = RequireString(p); break;
                case "reference": reference = RequireString(p); break;
                case "externalId": externalId = RequireString(p); break;
                default: (extra ??= new(StringComparer.Ordinal))[p.Name] = p.Value.Clone(); break;
            }
        }

        if (string.IsNullOrEmpty(status))
        {
            throw Invalid("The receipt has no status.");
        }

        if (string.IsNullOrEmpty(method))
        {
            throw Invalid("The receipt has no method.");
        }

        if (string.IsNullOrEmpty(reference))
        {
            throw Invalid("The receipt has no reference.");
        }

        if (timestamp is null)
        {
            throw Invalid("The receipt has no timestamp.");
        }

        if (!Rfc3339.TryParse(timestamp, out _))
        {
            throw Invalid("The receipt timestamp is not an RFC 3339 date-time.");
        }

        return new PaymentReceipt(status, method, timestamp, reference, externalId, extra);
    }

    /// <summary>Serializes the receipt: base64url of its JCS JSON, extra members at the top level.</summary>
    public string Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", Status);
            writer.WriteString("method", Method);

            writer.WriteString("timestamp", Timestamp);
            writer.WriteString("reference", Reference);
            if (ExternalId is not null)
            {
                writer.WriteString("externalId", ExternalId);
            }

            foreach (var (name, value) in Extra)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return CanonicalJson.EncodeBase64Url(doc.RootElement);
    }

    /// <inheritdoc />
    public override string ToString() => $"Payment receipt {Status} {Method} {Reference} at {Timestamp}";

    private static string RequireString(JsonProperty p) =>
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Invalid($"The receipt member '{p.Name}' must be a string.");

    private static MppFormatException Invalid(string message) => new(MppErrorCode.InvalidReceipt, message);
}
