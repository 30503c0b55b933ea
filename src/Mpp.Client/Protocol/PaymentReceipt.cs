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
        : this(
            Required(status, nameof(status)),
            Required(method, nameof(method)),
            timestamp ?? throw new ArgumentNullException(nameof(timestamp)),
            Rfc3339.TryParse(timestamp, out var at) ? at : null,
            Required(reference, nameof(reference)),
            externalId,
            extra)
    {
    }

    /// <summary>A receipt whose values are already checked and whose timestamp is already parsed (by <see cref="Read"/>).</summary>
    private PaymentReceipt(string status, string method, string timestamp, DateTimeOffset? timestampValue, string reference, string? externalId, IReadOnlyDictionary<string, JsonElement>? extra)
    {
        Status = status;
        Method = method;
        Timestamp = timestamp;
        TimestampValue = timestampValue;
        Reference = reference;
        ExternalId = externalId;
        Extra = extra ?? NoExtra;
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

            return ParseJson(rented.AsSpan(0, written));
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
        if (receipt.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The receipt must be a JSON object.");
        }

        var json = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(receipt); // the element's own bytes, no copy
        return JsonShape.CheckObject(json) is { } problem ? throw Invalid("The receipt " + problem + ".") : Read(json);
    }

    private static PaymentReceipt ParseJson(ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw Invalid("The receipt is not UTF-8 text."); // JSON readers check the syntax, not the UTF-8 inside strings
        }

        if (JsonShape.CheckObject(json) is null)
        {
            return Read(json);
        }

        // Not one object without duplicate members: System.Text.Json's own words for what is wrong (error path only).
        try
        {
            _ = JsonElement.Parse(json, StrictJson.Options);
        }
        catch (JsonException ex)
        {
            throw new MppFormatException(MppErrorCode.InvalidReceipt, "The receipt does not decode to JSON.", ex);
        }

        throw Invalid("The receipt must be a JSON object.");
    }

    /// <summary>
    /// Reads the members of an object that <see cref="JsonShape.CheckObject"/> accepted, in one forward pass without a
    /// document: the receipt's own members are matched by their UTF-8 names, and only extra members become elements.
    /// </summary>
    private static PaymentReceipt Read(ReadOnlySpan<byte> json)
    {
        string? status = null, method = null, timestamp = null, reference = null, externalId = null;
        Dictionary<string, JsonElement>? extra = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = StrictJson.Options.MaxDepth });
        reader.Read(); // the start of the object
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8)) { status = ReadString(ref reader, "status"); }
            else if (reader.ValueTextEquals("method"u8)) { method = ReadString(ref reader, "method"); }
            else if (reader.ValueTextEquals("timestamp"u8)) { timestamp = ReadString(ref reader, "timestamp"); }
            else if (reader.ValueTextEquals("reference"u8)) { reference = ReadString(ref reader, "reference"); }
            else if (reader.ValueTextEquals("externalId"u8)) { externalId = ReadString(ref reader, "externalId"); }
            else
            {
                var name = reader.GetString()!;
                reader.Read();
                (extra ??= new(StringComparer.Ordinal))[name] = JsonElement.ParseValue(ref reader);
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

        if (!Rfc3339.TryParse(timestamp, out var at))
        {
            throw Invalid("The receipt timestamp is not an RFC 3339 date-time.");
        }

        return new PaymentReceipt(status, method, timestamp, at, reference, externalId, extra);
    }

    /// <summary>Serializes the receipt: base64url of its JCS JSON, extra members at the top level.</summary>
    /// <exception cref="MppFormatException">An extra member repeats a member of the receipt, or a value cannot be canonicalized (code <see cref="MppErrorCode.InvalidEncoding"/>).</exception>
    public string Serialize()
    {
        using var buffer = new PooledBufferWriter(256);
        WriteJson(buffer);
        return Base64Url.Encode(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes the JCS JSON in one pass: the receipt's own members, already in JCS order, merged with the extra members
    /// sorted by the UTF-16 code units of their names (RFC 8785 §3.2.3); no intermediate document.
    /// </summary>
    private void WriteJson(IBufferWriter<byte> output)
    {
        var count = Extra.Count;
        var names = count == 0 ? [] : ArrayPool<string>.Shared.Rent(count);
        try
        {
            var n = 0;
            if (Extra is Dictionary<string, JsonElement> dictionary)
            {
                foreach (var name in dictionary.Keys)
                {
                    names[n++] = name;
                }
            }
            else
            {
                foreach (var (name, _) in Extra)
                {
                    names[n++] = name;
                }
            }

            var extraNames = names.AsSpan(0, n);
            extraNames.Sort(StringComparer.Ordinal);
            CanonicalJson.WriteRaw(output, "{"u8);
            var first = true;
            var e = 0;
            for (var own = 0; own <= 5; own++)
            {
                // The receipt's own members in JCS order (none past the last), each after the extra names sorted before it.
                var (ownName, ownValue) = own switch
                {
                    0 => ("externalId", ExternalId),
                    1 => ("method", Method),
                    2 => ("reference", Reference),
                    3 => ("status", Status),
                    4 => ("timestamp", Timestamp),
                    _ => ((string?)null, (string?)null),
                };
                for (; e < extraNames.Length && (ownName is null || string.CompareOrdinal(extraNames[e], ownName) <= 0); e++)
                {
                    if (ownValue is not null && string.Equals(extraNames[e], ownName, StringComparison.Ordinal))
                    {
                        throw new MppFormatException(MppErrorCode.InvalidEncoding, $"Duplicate JSON member name '{ownName}'.");
                    }

                    WriteName(output, extraNames[e], ref first);
                    CanonicalJson.Write(output, Extra[extraNames[e]]);
                }

                if (ownValue is not null)
                {
                    WriteName(output, ownName!, ref first);
                    CanonicalJson.WriteString(output, ownValue);
                }
            }

            CanonicalJson.WriteRaw(output, "}"u8);
        }
        finally
        {
            if (count > 0)
            {
                ArrayPool<string>.Shared.Return(names, clearArray: true);
            }
        }
    }

    private static void WriteName(IBufferWriter<byte> output, string name, ref bool first)
    {
        if (!first)
        {
            CanonicalJson.WriteRaw(output, ","u8);
        }

        first = false;
        CanonicalJson.WriteString(output, name);
        CanonicalJson.WriteRaw(output, ":"u8);
    }

    /// <inheritdoc />
    public override string ToString() => $"Payment receipt {Status} {Method} {Reference} at {Timestamp}";

    private static string ReadString(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid($"The receipt member '{name}' must be a string.");
    }

    private static string Required(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        return value;
    }

    private static MppFormatException Invalid(string message) => new(MppErrorCode.InvalidReceipt, message);
}
