using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Testing.Internal;

/// <summary>
/// The server side of the MCP payment transport, as an incoming message filter of the SDK: a paid request is judged before
/// the SDK dispatches it. Challenges go out as JSON objects in a <c>-32042</c> error, the credential is read from
/// <c>params._meta</c> and judged by the <see cref="MppTestServer"/>, the receipt is handed to the handler for
/// <c>result._meta</c>. Errors are answered from the filter itself, not thrown through the SDK's handler chain (a thrown
/// <see cref="McpProtocolException"/> unwinds a dozen async frames of filters and handlers, which cost the server about as
/// much CPU as the rest of the payment).
/// </summary>
internal sealed class McpPaywall(MppTestServer payments, McpTestServerOptions options)
{
    private const string GateKey = "Mpp.Client.Mcp.Testing.Gate";
    private int _credentials;

    public static JsonElement EmptySchema { get; } = JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone();

    public int CredentialsReceived => Volatile.Read(ref _credentials);

    /// <summary>The paid route of a primitive on the payment server (one per tool, resource or prompt).</summary>
    public static string PathOf(string kind, string name) => "/" + kind + "/" + Uri.EscapeDataString(name);

    /// <summary>
    /// The filter: <paramref name="paidPathOf"/> names the payment route of a paid request (null lets the request through
    /// unjudged). A refused request is answered here; an accepted one goes on with its verdict for <see cref="VerdictOf"/>.
    /// </summary>
    public McpMessageFilter Filter(Func<JsonRpcRequest, string?> paidPathOf) => next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is not JsonRpcRequest request || paidPathOf(request) is not { } path)
        {
            await next(context, cancellationToken).ConfigureAwait(false);
            return;
        }

        var meta = request.Params is JsonObject p && p["_meta"] is JsonObject m ? m : null;
        var (verdict, error) = await JudgeAsync(path, meta, toolResults: request.Method == RequestMethods.ToolsCall, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            // The filter's server is bound to the request's destination (over streamable HTTP, the POST it came on).
            await context.Server.SendMessageAsync(new JsonRpcError { Id = request.Id, Error = error }, cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Items[GateKey] = verdict;
        await next(context, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>
    /// What the filter decided for a paid request that reached its handler: the receipt for <c>result._meta</c>, or (tool
    /// results styles) the tool result to answer instead.
    /// </summary>
    public static (JsonObject? Receipt, CallToolResult? Refusal) VerdictOf(MessageContext context) =>
        context.Items.TryGetValue(GateKey, out var v) && v is Verdict verdict
            ? (verdict.Receipt, verdict.Refusal)
            : throw new McpProtocolException("The payment filter did not judge this paid request.", McpErrorCode.InternalError);

    private async Task<(Verdict? Verdict, JsonRpcErrorDetail? Error)> JudgeAsync(string path, JsonObject? meta, bool toolResults, CancellationToken cancellationToken)
    {
        if (meta?[McpPaymentMeta.CredentialKey] is not { } node)
        {
            var required = await DataAsync(path, null, cancellationToken).ConfigureAwait(false);
            if (toolResults && options.ChallengeInToolResult)
            {
                return (new Verdict(null, new CallToolResult
                {
                    IsError = true,
                    Content = [new TextContentBlock { Text = "Payment Required" }],
                    Meta = new JsonObject { [McpPaymentMeta.PaymentRequiredKey] = JsonObject.Create(required) },
                }), null);
            }

            return (null, new JsonRpcErrorDetail { Code = McpPaymentMeta.PaymentRequiredCode, Message = "Payment Required", Data = Members(required) });
        }

        Interlocked.Increment(ref _credentials);
        Credential credential;
        try
        {
            credential = Parse(node);
        }
        catch (Exception ex) when (ex is MppFormatException or ArgumentException or JsonException)
        {
            // The draft: a malformed credential is "Invalid params" (-32602). The message names the member, never its value.
            return (null, new JsonRpcErrorDetail { Code = (int)McpErrorCode.InvalidParams, Message = "Invalid params: malformed payment credential." });
        }

        var verification = await payments.VerifyAsync(credential, path, cancellationToken).ConfigureAwait(false);
        if (verification.Succeeded)
        {
            var receipt = ReceiptNode(verification.Receipt!);
            receipt["challengeId"] ??= credential.Challenge.Id;
            return (new Verdict(receipt, null), null);
        }

        if (toolResults && options.RejectionStyle == McpRejectionStyle.ToolResult)
        {
            return (new Verdict(null, new CallToolResult
            {
                IsError = true,
                Content = [new TextContentBlock { Text = $"MCP error {McpPaymentMeta.PaymentVerificationFailedCode}: Payment verification failed: {verification.Detail}" }],
            }), null);
        }

        var data = await DataAsync(path, verification, cancellationToken).ConfigureAwait(false);
        return (null, new JsonRpcErrorDetail { Code = McpPaymentMeta.PaymentVerificationFailedCode, Message = "Payment Verification Failed", Data = Members(data) });
    }

    /// <summary>A credential as the MCP transport carries it: an object whose <c>challenge.request</c> is an object.</summary>
    private static Credential Parse(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        var root = JsonElement.Parse(buffer.WrittenSpan); // its own copy: no pooled document to return, nothing to clone
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("challenge", out var challenge) || challenge.ValueKind != JsonValueKind.Object
            || !challenge.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("payload", out var payload))
        {
            throw new MppFormatException(MppErrorCode.InvalidChallenge, "The credential must be an object with challenge (its request an object) and payload.");
        }

        JsonElement? source = root.TryGetProperty("source", out var s) ? s : null;
        return Credential.Create(Challenge.FromJson(challenge), payload, source);
    }

    /// <summary>The error's <c>data</c> (or the tool result's <c>payment-required</c>): fresh challenges, the problem, and why a credential was refused.</summary>
    private async Task<JsonElement> DataAsync(string path, CredentialVerification? refused, CancellationToken cancellationToken)
    {
        var challenges = await payments.IssueChallengesAsync(path, cancellationToken).ConfigureAwait(false);
        var kind = refused?.Problem ?? PaymentProblemType.PaymentRequired;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("httpStatus", 402);
            writer.WriteStartArray("challenges");
            foreach (var c in challenges)
            {
                WriteChallenge(writer, c);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("problem");
            writer.WriteString("type", PaymentProblem.TypeUri(kind));
            writer.WriteString("title", refused is null ? "Payment Required" : "Payment Verification Failed");
            writer.WriteNumber("status", 402);
            writer.WriteString("detail", refused?.Detail ?? "Payment required for access.");
            writer.WriteEndObject();
            if (refused is not null)
            {
                writer.WriteStartObject("failure");
                writer.WriteString("reason", kind.ToString());
                writer.WriteString("detail", refused.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    /// <summary>The receipt as the JSON object <c>result._meta</c> carries (members as <see cref="PaymentReceipt.Serialize"/> writes them, not base64url).</summary>
    private static JsonObject ReceiptNode(PaymentReceipt r)
    {
        var node = new JsonObject
        {
            ["status"] = r.Status,
            ["method"] = r.Method,
            ["timestamp"] = r.Timestamp,
            ["reference"] = r.Reference,
        };
        if (r.ExternalId is { } externalId)
        {
            node["externalId"] = externalId;
        }

        foreach (var (name, value) in r.Extra)
        {
            node[name] = value.ValueKind switch
            {
                JsonValueKind.Object => JsonObject.Create(value),
                JsonValueKind.Array => JsonArray.Create(value),
                JsonValueKind.Null => null,
                _ => JsonValue.Create(value),
            };
        }

        return node;
    }

    /// <summary>An error's <c>data</c> in the type the SDK serializes it as (what it makes of an exception's <c>Data</c>).</summary>
    private static Dictionary<string, JsonElement> Members(JsonElement data)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in data.EnumerateObject())
        {
            members[property.Name] = property.Value;
        }

        return members;
    }

    /// <summary>A challenge as the JSON object the MCP transport carries (the core's writer: JCS order, request as an object).</summary>
    private static void WriteChallenge(Utf8JsonWriter writer, Challenge c)
    {
        var json = new ArrayBufferWriter<byte>(512);
        c.WriteJson(json, requestAsObject: true);
        writer.WriteRawValue(json.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>The filter's decision on a paid request it let through.</summary>
    private sealed record Verdict(JsonObject? Receipt, CallToolResult? Refusal);
}
