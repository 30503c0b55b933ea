using System.Buffers;
using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// A Payment credential (core spec draft-02 § "Credentials"): the echoed challenge, an optional payer <c>source</c> and the
/// method-specific <c>payload</c>, sent as <c>Payment &lt;base64url(JSON)&gt;</c>.
/// </summary>
/// <remarks>This is a bearer secret: never log it, never put it in an exception message.</remarks>
public sealed class Credential
{
    private Credential(Challenge challenge, JsonElement payload, JsonElement? source)
    {
        Challenge = challenge;
        Payload = payload;
        Source = source;
    }

    /// <summary>The challenge this credential answers; every parameter is echoed exactly as received.</summary>
    public Challenge Challenge { get; }

    /// <summary>The method-specific payment proof (a JSON object).</summary>
    public JsonElement Payload { get; }

    /// <summary>The payer identifier (a string such as a DID, or an object), if any.</summary>
    public JsonElement? Source { get; }

    /// <summary>Creates a credential for a challenge.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is not a JSON object, or <paramref name="source"/> is neither a string, an object nor null.</exception>
    public static Credential Create(Challenge challenge, JsonElement payload, JsonElement? source = null)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The payload must be a JSON object.", nameof(payload));
        }

        if (source is { } s && s.ValueKind is not (JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Null))
        {
            throw new ArgumentException("The source must be a string or an object.", nameof(source));
        }

        return new Credential(challenge, payload.Clone(), source is { ValueKind: JsonValueKind.Null } ? null : source?.Clone());
    }

    /// <summary>Serializes the credential: base64url (no padding) of its JCS JSON.</summary>
    public string Serialize()
    {
        using var buffer = new PooledBufferWriter();
        WriteJson(buffer);
        return Base64Url.Encode(buffer.WrittenSpan);
    }

    /// <summary>The field value: <c>Payment &lt;token&gt;</c>.</summary>
    public string ToHeaderValue()
    {
        using var buffer = new PooledBufferWriter();
        WriteJson(buffer);
        var length = System.Buffers.Text.Base64Url.GetEncodedLength(buffer.WrittenSpan.Length);
        return string.Create(8 + length, buffer, static (chars, state) =>
        {
            "Payment ".AsSpan().CopyTo(chars);
            System.Buffers.Text.Base64Url.EncodeToChars(state.WrittenSpan, chars[8..]);
        });
    }

    /// <summary>Writes the credential JSON (members in JCS order) to <paramref name="output"/>.</summary>
    public void WriteJson(IBufferWriter<byte> output) => WriteJson(output, requestAsObject: false);

    /// <summary>
    /// Writes the credential JSON (members in JCS order). With <paramref name="requestAsObject"/> the challenge's
    /// <c>request</c> is written as the decoded object — the form the MCP transport carries in
    /// <c>_meta["org.paymentauth/credential"]</c> — and a challenge read with <see cref="Challenge.FromJson"/> is echoed
    /// as it was received.
    /// </summary>
    public void WriteJson(IBufferWriter<byte> output, bool requestAsObject)
    {
        ArgumentNullException.ThrowIfNull(output);
        CanonicalJson.WriteRaw(output, "{\"challenge\":"u8);
        Challenge.WriteJson(output, requestAsObject);
        WriteTail(output);
    }

    private void WriteTail(IBufferWriter<byte> output)
    {
        CanonicalJson.WriteRaw(output, ",\"payload\":"u8);
        CanonicalJson.Write(output, Payload);
        if (Source is { } source)
        {
            CanonicalJson.WriteRaw(output, ",\"source\":"u8);
            CanonicalJson.Write(output, source);
        }

        CanonicalJson.WriteRaw(output, "}"u8);
    }

    /// <summary>Parses a field value <c>Payment &lt;token&gt;</c> (scheme case-insensitive; padded base64url accepted).</summary>
    /// <exception cref="MppFormatException">The value is not a well-formed Payment credential.</exception>
    public static Credential Parse(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        var value = headerValue.AsSpan().Trim();
        if (value.Length < 8 || !value.StartsWith("Payment", StringComparison.OrdinalIgnoreCase) || value[7] is not (' ' or '\t'))
        {
            throw Invalid("The value does not use the Payment scheme.");
        }

        return ParseToken(value[8..].TrimStart(" \t"));
    }

    /// <summary>Parses the base64url token of a credential (without the scheme).</summary>
    /// <exception cref="MppFormatException">The token is not a well-formed credential.</exception>
    public static Credential ParseToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ParseToken(token.AsSpan());
    }

    /// <summary>
    /// Decodes the token into a pooled buffer (cleared before it goes back: it holds the credential) and reads the JSON
    /// from there; only what the credential keeps is copied out (its strings, the payload and the source).
    /// </summary>
    private static Credential ParseToken(ReadOnlySpan<char> token)
    {
        var length = Math.Max(1, Base64Url.GetMaxDecodedLength(token.Length));
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!Base64Url.TryDecode(token, rented, out var written) || written == 0)
            {
                throw Invalid("The credential is not valid base64url.");
            }

            return ParseJson(rented.AsMemory(0, written));
        }
        finally
        {
            rented.AsSpan(0, length).Clear(); // all a decode may have touched, also one that failed part way
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static Credential ParseJson(ReadOnlyMemory<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw Invalid("The credential is not UTF-8 text."); // JSON readers check the syntax, not the UTF-8 inside strings
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, StrictJson.Options);
        }
        catch (JsonException ex)
        {
            throw new MppFormatException(MppErrorCode.InvalidCredential, "The credential does not decode to JSON.", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("The credential must be a JSON object.");
            }

            if (!root.TryGetProperty("challenge"u8, out var ch) || ch.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("The credential has no challenge object.");
            }

            if (!root.TryGetProperty("payload"u8, out var payload) || payload.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("The credential has no payload object.");
            }

            JsonElement? source = null;
            if (root.TryGetProperty("source"u8, out var s))
            {
                if (s.ValueKind is not (JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Null))
                {
                    throw Invalid("The credential source must be a string or an object.");
                }

                source = s.ValueKind == JsonValueKind.Null ? null : s.Clone();
            }

            return new Credential(ReadChallenge(ch), payload.Clone(), source);
        }
    }

    /// <summary>The echoed challenge: its members found in one pass by their UTF-8 names (no name strings), then read and checked.</summary>
    private static Challenge ReadChallenge(JsonElement ch)
    {
        // The document refuses duplicate names, so each member is met at most once; unknown members are ignored.
        JsonElement id = default, realm = default, method = default, intent = default, request = default;
        JsonElement expires = default, description = default, digest = default, opaque = default, header = default;
        foreach (var p in ch.EnumerateObject())
        {
            if (p.NameEquals("id"u8)) { id = p.Value; }
            else if (p.NameEquals("realm"u8)) { realm = p.Value; }
            else if (p.NameEquals("method"u8)) { method = p.Value; }
            else if (p.NameEquals("intent"u8)) { intent = p.Value; }
            else if (p.NameEquals("request"u8)) { request = p.Value; }
            else if (p.NameEquals("expires"u8)) { expires = p.Value; }
            else if (p.NameEquals("description"u8)) { description = p.Value; }
            else if (p.NameEquals("digest"u8)) { digest = p.Value; }
            else if (p.NameEquals("opaque"u8)) { opaque = p.Value; }
            else if (p.NameEquals("header"u8)) { header = p.Value; }
        }

        try
        {
            return Challenge.FromWire(
                Str(id, "id"), Str(realm, "realm"), Str(method, "method"), Str(intent, "intent"), Str(request, "request"),
                Str(expires, "expires"), Str(description, "description"), Str(digest, "digest"), Str(opaque, "opaque"), Str(header, "header"));
        }
        catch (MppFormatException ex)
        {
            throw new MppFormatException(MppErrorCode.InvalidCredential, "The credential's challenge is invalid: " + ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Payment credential for challenge {Challenge.Id} ({Challenge.Method}/{Challenge.Intent})";

    /// <summary>A challenge member: absent (<see langword="default"/>) or null reads as null, a string as itself.</summary>
    private static string? Str(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        _ => throw Invalid($"The challenge member '{name}' must be a string."),
    };

    private static MppFormatException Invalid(string message) => new(MppErrorCode.InvalidCredential, message);
}
