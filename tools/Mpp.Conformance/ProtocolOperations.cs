using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Protocol;

namespace Mpp.Conformance;

/// <summary>
/// The vector operations, each a thin translation between the harness's canonical protocol objects
/// (<c>protocol.schema.json</c>) and the SDK's codecs in <c>Mpp.Client.Protocol</c>.
/// </summary>
internal static class ProtocolOperations
{
    private static readonly string[] ReceiptMembers = ["status", "method", "timestamp", "reference", "externalId"];

    /// <summary><c>challenge.parse</c>: <c>{header}</c> → challenge object (first Payment challenge of the value).</summary>
    public static ValueTask<JsonNode?> ParseChallenge(JsonElement input, CancellationToken cancellationToken)
    {
        var header = Json.RequiredString(input, "header");
        return Done(ToNode(ChallengeParser.ParseFirst(header)));
    }

    /// <summary><c>challenge.format</c>: challenge object → <c>{header}</c>.</summary>
    public static ValueTask<JsonNode?> FormatChallenge(JsonElement input, CancellationToken cancellationToken) =>
        Done(new JsonObject { ["header"] = FromNode(input).ToHeaderValue() });

    /// <summary>
    /// <c>credential.parse</c>: <c>{header}</c> → <c>{challenge, payload, source?}</c>. <c>source</c> is written only when the
    /// credential has one: an absent key and a <c>null</c> one are different JSON, and the harness compares exactly. (The SDK
    /// reads a wire <c>"source":null</c> as no source, so it comes out absent too.)
    /// </summary>
    public static ValueTask<JsonNode?> ParseCredential(JsonElement input, CancellationToken cancellationToken)
    {
        var credential = Credential.Parse(Json.RequiredString(input, "header"));
        var node = new JsonObject
        {
            ["challenge"] = ToNode(credential.Challenge),
            ["payload"] = Json.ToNode(credential.Payload),
        };
        if (credential.Source is { } source)
        {
            node["source"] = Json.ToNode(source);
        }

        return Done(node);
    }

    /// <summary><c>credential.format</c>: credential object (challenge <c>request</c> as an object) → <c>{header}</c>.</summary>
    public static ValueTask<JsonNode?> FormatCredential(JsonElement input, CancellationToken cancellationToken)
    {
        Json.RequireObject(input, "credential");
        var challenge = FromNode(Json.Required(input, "challenge"));
        var payload = Json.Required(input, "payload");
        JsonElement? source = input.TryGetProperty("source", out var s) ? s : null;
        return Done(new JsonObject { ["header"] = Credential.Create(challenge, payload, source).ToHeaderValue() });
    }

    /// <summary><c>receipt.parse</c>: <c>{header}</c> → receipt object, unknown members under <c>extra</c>.</summary>
    public static ValueTask<JsonNode?> ParseReceipt(JsonElement input, CancellationToken cancellationToken)
    {
        var receipt = PaymentReceipt.Parse(Json.RequiredString(input, "header"));
        var node = new JsonObject
        {
            ["status"] = receipt.Status,
            ["method"] = receipt.Method,
            ["timestamp"] = receipt.Timestamp,
            ["reference"] = receipt.Reference,
        };
        Json.AddIfPresent(node, "externalId", receipt.ExternalId);
        if (receipt.Extra.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var (name, value) in receipt.Extra)
            {
                extra[name] = Json.ToNode(value);
            }

            node["extra"] = extra;
        }

        return Done(node);
    }

    /// <summary>
    /// <c>receipt.format</c>: receipt object → <c>{header}</c>. Members of <c>extra</c> (and any other unknown member)
    /// become top-level members of the receipt JSON.
    /// </summary>
    public static ValueTask<JsonNode?> FormatReceipt(JsonElement input, CancellationToken cancellationToken)
    {
        Json.RequireObject(input, "receipt");
        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in input.EnumerateObject())
        {
            if (member.NameEquals("extra"))
            {
                if (member.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                Json.RequireObject(member.Value, "extra");
                foreach (var e in member.Value.EnumerateObject())
                {
                    if (Array.IndexOf(ReceiptMembers, e.Name) >= 0 || !extra.TryAdd(e.Name, e.Value))
                    {
                        throw new AdapterException($"The extra member '{e.Name}' collides with another receipt member.");
                    }
                }
            }
            else if (Array.IndexOf(ReceiptMembers, member.Name) < 0 && !extra.TryAdd(member.Name, member.Value))
            {
                throw new AdapterException($"The receipt member '{member.Name}' is given twice.");
            }
        }

        var receipt = new PaymentReceipt(
            Json.RequiredString(input, "status"),
            Json.RequiredString(input, "method"),
            Json.RequiredString(input, "timestamp"),
            Json.RequiredString(input, "reference"),
            Json.OptionalString(input, "externalId"),
            extra.Count == 0 ? null : extra);
        return Done(new JsonObject { ["header"] = receipt.Serialize() });
    }

    /// <summary><c>base64url.encode</c>: <c>{text}</c> → <c>{text}</c> (UTF-8, no padding).</summary>
    public static ValueTask<JsonNode?> EncodeBase64Url(JsonElement input, CancellationToken cancellationToken) =>
        Done(new JsonObject { ["text"] = Base64Url.EncodeText(Json.RequiredString(input, "text")) });

    /// <summary><c>base64url.decode</c>: <c>{text}</c> → <c>{text}</c>; invalid alphabet or invalid UTF-8 is an error.</summary>
    public static ValueTask<JsonNode?> DecodeBase64Url(JsonElement input, CancellationToken cancellationToken) =>
        Done(new JsonObject { ["text"] = Base64Url.DecodeText(Json.RequiredString(input, "text")) });

    /// <summary><c>challenge.id</c>: challenge-id parameters → <c>{id}</c> (HMAC-SHA256 binding; <c>description</c> is not bound).</summary>
    public static ValueTask<JsonNode?> ComputeChallengeId(JsonElement input, CancellationToken cancellationToken)
    {
        Json.RequireObject(input, "challenge-id input");
        var secret = Encoding.UTF8.GetBytes(Json.RequiredString(input, "secretKey"));
        var request = Json.Required(input, "request");
        Json.RequireObject(request, "request");
        var id = ChallengeId.Compute(
            secret,
            Json.RequiredString(input, "realm"),
            Json.RequiredString(input, "method"),
            Json.RequiredString(input, "intent"),
            request,
            expires: Json.OptionalString(input, "expires"),
            digest: Json.OptionalString(input, "digest"),
            opaque: Json.OptionalString(input, "opaque"),
            header: Json.OptionalString(input, "header"));
        return Done(new JsonObject { ["id"] = id });
    }

    /// <summary>The canonical challenge object: request decoded, optional members only when present.</summary>
    internal static JsonObject ToNode(Challenge challenge)
    {
        var node = new JsonObject
        {
            ["id"] = challenge.Id,
            ["realm"] = challenge.Realm,
            ["method"] = challenge.Method,
            ["intent"] = challenge.Intent,
            ["request"] = Json.ToNode(challenge.Request),
        };
        Json.AddIfPresent(node, "expires", challenge.Expires);
        Json.AddIfPresent(node, "description", challenge.Description);
        Json.AddIfPresent(node, "digest", challenge.Digest);
        Json.AddIfPresent(node, "opaque", challenge.Opaque);
        Json.AddIfPresent(node, "header", challenge.Header);
        return node;
    }

    /// <summary>
    /// Builds an SDK challenge from a canonical challenge object. <c>request</c> is an object (JCS-canonicalized and
    /// base64url-encoded here) or, leniently, an already-encoded string. Values are validated as the parser would.
    /// </summary>
    internal static Challenge FromNode(JsonElement node)
    {
        Json.RequireObject(node, "challenge");
        var request = Json.Required(node, "request");
        var encodedRequest = request.ValueKind switch
        {
            JsonValueKind.Object => CanonicalJson.EncodeBase64Url(request),
            JsonValueKind.String => request.GetString()!,
            _ => throw new AdapterException("The challenge request must be a JSON object."),
        };

        return Challenge.FromWire(
            Json.RequiredString(node, "id"),
            Json.RequiredString(node, "realm"),
            Json.RequiredString(node, "method"),
            Json.RequiredString(node, "intent"),
            encodedRequest,
            Json.OptionalString(node, "expires"),
            Json.OptionalString(node, "description"),
            Json.OptionalString(node, "digest"),
            Json.OptionalString(node, "opaque"),
            Json.OptionalString(node, "header"));
    }

    private static ValueTask<JsonNode?> Done(JsonNode? value) => ValueTask.FromResult(value);
}
