using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// One <c>WWW-Authenticate: Payment</c> challenge (core spec draft-02 § "Challenge (WWW-Authenticate)").
/// Every parameter is kept exactly as received so that the credential can echo it unchanged.
/// </summary>
public sealed partial class Challenge
{
    /// <summary>The only value the core spec allows for <see cref="Header"/>.</summary>
    public const string PaymentAuthorizationHeader = "Payment-Authorization";

    /// <summary>The name of the core spec's HTTP authentication scheme, the default <see cref="Scheme"/>.</summary>
    public const string PaymentScheme = "Payment";

    private readonly byte[]? _requestJson;
    private JsonHolder? _request;

    private Challenge(string id, string realm, string method, string intent, string encodedRequest, JsonElement request)
    {
        Id = id;
        Realm = realm;
        Method = method;
        Intent = intent;
        EncodedRequest = encodedRequest;
        _request = new JsonHolder(request);
    }

    private Challenge(string id, string realm, string method, string intent, string encodedRequest, byte[]? requestJson)
    {
        Id = id;
        Realm = realm;
        Method = method;
        Intent = intent;
        EncodedRequest = encodedRequest;
        _requestJson = requestJson; // already checked by JsonShape: one object, no duplicate members
    }

    /// <summary>The challenge identifier, bound by the server to the other parameters.</summary>
    public string Id { get; }

    /// <summary>The protection space.</summary>
    public string Realm { get; }

    /// <summary>
    /// The HTTP payment scheme the challenge came from: <see cref="PaymentScheme"/> for <c>WWW-Authenticate: Payment</c>,
    /// or the name of another registered scheme (an x402 adapter) that expressed its requirements as a challenge.
    /// </summary>
    public string Scheme { get; private init; } = PaymentScheme;

    /// <summary>
    /// The challenge as the JSON object it was received in (<see cref="FromJson"/>, e.g. from an MCP <c>-32042</c> error),
    /// echoed verbatim in a credential written with <c>requestAsObject</c>; null for challenges parsed from a header.
    /// </summary>
    public JsonElement? Json { get; private init; }

    /// <summary>The payment method identifier, e.g. <c>tempo</c>.</summary>
    public string Method { get; }

    /// <summary>The payment intent, e.g. <c>charge</c>.</summary>
    public string Intent { get; }

    /// <summary>The <c>request</c> parameter exactly as on the wire (base64url of JCS JSON).</summary>
    public string EncodedRequest { get; }

    /// <summary>The decoded <c>request</c> JSON object (built on first use; parsing already checked its shape).</summary>
    public JsonElement Request
    {
        get
        {
            var holder = Volatile.Read(ref _request);
            if (holder is null)
            {
                holder = new JsonHolder(JsonElement.Parse(_requestJson));
                Volatile.Write(ref _request, holder);
            }

            return holder.Element;
        }
    }

    /// <summary>The <c>expires</c> parameter as received, if any.</summary>
    public string? Expires { get; private init; }

    /// <summary>The parsed <see cref="Expires"/>, if present.</summary>
    public DateTimeOffset? ExpiresAt { get; private init; }

    /// <summary>The <c>description</c> parameter: for display only, never used for checks.</summary>
    public string? Description { get; private init; }

    /// <summary>The <c>digest</c> parameter (RFC 9530 form) binding the request body.</summary>
    public string? Digest { get; private init; }

    /// <summary>The <c>opaque</c> parameter as received.</summary>
    public string? Opaque { get; private init; }

    /// <summary>The <c>header</c> parameter as received: absent selects <c>Authorization</c>.</summary>
    public string? Header { get; private init; }

    /// <summary>The header field that must carry the credential, or <see langword="null"/> when the challenge names an unknown field.</summary>
    public string? CredentialHeaderName => Header is null
        ? "Authorization"
        : string.Equals(Header, PaymentAuthorizationHeader, StringComparison.OrdinalIgnoreCase) ? PaymentAuthorizationHeader : null;

    /// <summary>
    /// Creates a challenge from its parts; <paramref name="request"/> is JCS-canonicalized and base64url-encoded.
    /// </summary>
    /// <exception cref="ArgumentException">A required value is empty or <paramref name="request"/> is not an object.</exception>
    public static Challenge Create(
        string id,
        string realm,
        string method,
        string intent,
        JsonElement request,
        DateTimeOffset? expires = null,
        string? description = null,
        string? digest = null,
        string? opaque = null,
        string? header = null,
        string scheme = PaymentScheme)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(intent);
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The request must be a JSON object.", nameof(request));
        }

        var expiresText = expires is null ? null : Rfc3339.Format(expires.Value);
        return new Challenge(id, realm, method, intent, CanonicalJson.EncodeBase64Url(request), request.Clone())
        {
            Expires = expiresText,
            ExpiresAt = expires?.ToUniversalTime(),
            Description = description,
            Digest = digest,
            Opaque = opaque,
            Header = header,
            Scheme = scheme,
        };
    }

    /// <summary>
    /// Reads a challenge given as a JSON object (the MCP transport's <c>error.data.challenges[]</c>): <c>id</c>,
    /// <c>realm</c>, <c>method</c>, <c>intent</c>, <c>request</c> (an object, or its base64url form), and the optional
    /// string members. The object is kept, so a credential can echo it unchanged (MCP transport § "Credential Structure").
    /// </summary>
    /// <exception cref="MppFormatException">A member is missing or malformed (code <see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static Challenge FromJson(JsonElement challenge)
    {
        if (challenge.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("A challenge must be a JSON object.");
        }

        if (JsonShape.CheckObject(JsonMarshal.GetRawUtf8Value(challenge)) is { } problem) // the element's own bytes, no copy
        {
            throw Invalid("The challenge " + problem + ".");
        }

        string? id = null, realm = null, method = null, intent = null, encoded = null, expires = null, description = null, digest = null, opaque = null, header = null;
        JsonElement? requestObject = null;
        foreach (var p in challenge.EnumerateObject())
        {
            switch (p.Name)
            {
                case "id": id = Text(p); break;
                case "realm": realm = Text(p); break;
                case "method": method = Text(p); break;
                case "intent": intent = Text(p); break;
                case "expires": expires = Text(p); break;
                case "description": description = Text(p); break;
                case "digest": digest = Text(p); break;
                case "opaque": opaque = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(); break;
                case "header": header = Text(p); break;
                case "request":
                    if (p.Value.ValueKind == JsonValueKind.Object)
                    {
                        requestObject = p.Value;
                    }
                    else
                    {
                        encoded = Text(p);
                    }

                    break;
            }
        }

        byte[]? requestJson = null;
        if (requestObject is { } o)
        {
            // The canonical bytes are the request the challenge keeps (checked above with the whole challenge): encoded
            // here once, not decoded and checked again from the base64url.
            using var canonical = new PooledBufferWriter(256);
            CanonicalJson.Write(canonical, o);
            encoded = Base64Url.Encode(canonical.WrittenSpan);
            requestJson = canonical.WrittenSpan.ToArray();
        }

        var parsed = Build(id, realm, method, intent, encoded, expires, description, digest, opaque, header, requestJson);
        return new Challenge(parsed.Id, parsed.Realm, parsed.Method, parsed.Intent, parsed.EncodedRequest, parsed._requestJson)
        {
            Expires = parsed.Expires, ExpiresAt = parsed.ExpiresAt, Description = parsed.Description, Digest = parsed.Digest,
            Opaque = parsed.Opaque, Header = parsed.Header, Json = challenge.Clone(),
        };
    }

    private static string? Text(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.String => p.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Invalid($"The challenge member '{p.Name}' must be a string."),
    };

    /// <summary>
    /// Builds a challenge from already-encoded wire values (used by parsers); the request is decoded and must be a JSON object.
    /// </summary>
    /// <exception cref="MppFormatException">A value is missing or malformed.</exception>
    public static Challenge FromWire(
        string? id,
        string? realm,
        string? method,
        string? intent,
        string? request,
        string? expires = null,
        string? description = null,
        string? digest = null,
        string? opaque = null,
        string? header = null) => Build(id, realm, method, intent, request, expires, description, digest, opaque, header, requestJson: null);

    /// <summary><see cref="FromWire(string?, string?, string?, string?, string?, string?, string?, string?, string?, string?)"/>, with the request's JSON when the caller has it already checked.</summary>
    private static Challenge Build(
        string? id,
        string? realm,
        string? method,
        string? intent,
        string? request,
        string? expires,
        string? description,
        string? digest,
        string? opaque,
        string? header,
        byte[]? requestJson)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw Invalid(id is null ? "Missing id parameter." : "Empty id parameter.");
        }

        if (realm is null)
        {
            throw Invalid("Missing realm parameter.");
        }

        if (method is null)
        {
            throw Invalid("Missing method parameter.");
        }

        if (!IsMethodId(method))
        {
            throw Invalid("The method parameter must be lowercase ASCII letters.");
        }

        if (intent is null)
        {
            throw Invalid("Missing intent parameter.");
        }

        if (!IsIntent(intent))
        {
            throw Invalid("The intent parameter must be letters, digits or '-'.");
        }

        if (request is null)
        {
            throw Invalid("Missing request parameter.");
        }

        requestJson ??= DecodeCheckedObject(request, "request");
        DateTimeOffset? expiresAt = null;
        if (expires is not null)
        {
            if (!Rfc3339.TryParse(expires, out var at))
            {
                throw Invalid("The expires parameter is not an RFC 3339 date-time.");
            }

            expiresAt = at;
        }

        return new Challenge(id, realm, method, intent, request, requestJson)
        {
            Expires = expires,
            ExpiresAt = expiresAt,
            Description = description,
            Digest = digest,
            Opaque = opaque,
            Header = header,
        };
    }

    /// <summary>Returns a copy with a different id (used by tests and by the conformance adapter's tamper modes).</summary>
    public Challenge WithId(string id) => Copy(id, EncodedRequest, _requestJson, _request);

    /// <summary>Returns a copy with a different encoded request (the conformance adapter's tamper mode).</summary>
    /// <exception cref="MppFormatException">The request is not base64url of one JSON object.</exception>
    public Challenge WithEncodedRequest(string encodedRequest) =>
        Copy(Id, encodedRequest, DecodeCheckedObject(encodedRequest, "request"), null);

    /// <summary>Formats the challenge as a <c>WWW-Authenticate</c> field value.</summary>
    /// <exception cref="MppFormatException">A value holds a control character such as CR or LF (header injection).</exception>
    public string ToHeaderValue()
    {
        var sb = new StringBuilder(128 + EncodedRequest.Length);
        sb.Append("Payment ");
        AppendParam(sb, "id", Id, first: true);
        AppendParam(sb, "realm", Realm);
        AppendParam(sb, "method", Method);
        AppendParam(sb, "intent", Intent);
        AppendParam(sb, "request", EncodedRequest);
        AppendParam(sb, "description", Description);
        AppendParam(sb, "digest", Digest);
        AppendParam(sb, "expires", Expires);
        AppendParam(sb, "opaque", Opaque);
        AppendParam(sb, "header", Header);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"Payment challenge {Method}/{Intent} id={Id} realm={Realm}";

    internal static bool IsMethodId(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A method id as configuration may name it: the core's lowercase letters, or — for another scheme's methods such as
    /// <c>x402</c> — a lowercase letter followed by lowercase letters, digits or '-'.
    /// </summary>
    internal static bool IsExtendedMethodId(string s)
    {
        if (s.Length == 0 || s[0] is < 'a' or > 'z')
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsIntent(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes base64url JSON and checks it is one object without duplicate members; the document is not built.</summary>
    internal static byte[] DecodeCheckedObject(string encoded, string what)
    {
        if (!Base64Url.TryDecode(encoded, out var bytes))
        {
            throw Invalid($"The {what} parameter is not valid base64url.");
        }

        return JsonShape.CheckObject(bytes) is { } problem ? throw Invalid($"The {what} parameter {problem}.") : bytes;
    }

    private Challenge Copy(string id, string encodedRequest, byte[]? requestJson, JsonHolder? request) => new(id, Realm, Method, Intent, encodedRequest, requestJson)
    {
        _request = request,
        Expires = Expires, ExpiresAt = ExpiresAt, Description = Description, Digest = Digest, Opaque = Opaque, Header = Header, Scheme = Scheme,
    };

    private static void AppendParam(StringBuilder sb, string name, string? value, bool first = false)
    {
        if (value is null)
        {
            return;
        }

        if (!first)
        {
            sb.Append(", ");
        }

        sb.Append(name).Append("=\"");
        foreach (var c in value)
        {
            if (c is < ' ' and not '\t' || c == '\u007f')
            {
                throw new MppFormatException(MppErrorCode.InvalidHeaderValue, $"The {name} parameter holds a control character (CR, LF or similar) and cannot be written into a header.");
            }

            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    private static MppFormatException Invalid(string message) => new(MppErrorCode.InvalidChallenge, message);

    private sealed class JsonHolder(JsonElement element)
    {
        public JsonElement Element { get; } = element;
    }
}
