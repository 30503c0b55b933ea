using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Testing.Internal;

/// <summary>
/// The server side of the MCP payment transport: challenges as JSON objects in a <c>-32042</c> error, the credential read
/// from <c>params._meta</c>, judged by the <see cref="MppTestServer"/>, the receipt written for <c>result._meta</c>.
/// </summary>
internal sealed class McpPaywall(MppTestServer payments, McpTestServerOptions options)
{
    private int _credentials;

    public static JsonElement EmptySchema { get; } = JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone();

    public int CredentialsReceived => Volatile.Read(ref _credentials);

    /// <summary>The paid route of a primitive on the payment server (one per tool, resource or prompt).</summary>
    public static string PathOf(string kind, string name) => "/" + kind + "/" + Uri.EscapeDataString(name);

    /// <summary>
    /// Lets a paid call through with its receipt, or answers it: throws the <c>-32042</c>/<c>-32043</c> error, or (for
    /// tools, in the styles that use them) returns the tool result to answer instead.
    /// </summary>
    public async Task<(JsonObject? Receipt, CallToolResult? Refusal)> GateAsync(string path, JsonObject? meta, bool toolResults, CancellationToken cancellationToken)
    {
        if (meta?[McpPaymentMeta.CredentialKey] is not { } node)
        {
            var required = await DataAsync(path, null, cancellationToken).ConfigureAwait(false);
            if (toolResults && options.ChallengeInToolResult)
            {
                return (null, new CallToolResult
                {
                    IsError = true,
                    Content = [new TextContentBlock { Text = "Payment Required" }],
                    Meta = new JsonObject { [McpPaymentMeta.PaymentRequiredKey] = required },
                });
            }

            throw Error(McpPaymentMeta.PaymentRequiredCode, "Payment Required", required);
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
            throw new McpProtocolException("Invalid params: malformed payment credential.", McpErrorCode.InvalidParams);
        }

        var verdict = await payments.VerifyAsync(credential, path, cancellationToken).ConfigureAwait(false);
        if (verdict.Succeeded)
        {
            var receipt = JsonNode.Parse(Base64Url.Decode(verdict.Receipt!.Serialize()))!.AsObject();
            receipt["challengeId"] ??= credential.Challenge.Id;
            return (receipt, null);
        }

        if (toolResults && options.RejectionStyle == McpRejectionStyle.ToolResult)
        {
            return (null, new CallToolResult
            {
                IsError = true,
                Content = [new TextContentBlock { Text = $"MCP error {McpPaymentMeta.PaymentVerificationFailedCode}: Payment verification failed: {verdict.Detail}" }],
            });
        }

        throw Error(McpPaymentMeta.PaymentVerificationFailedCode, "Payment Verification Failed", await DataAsync(path, verdict, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A credential as the MCP transport carries it: an object whose <c>challenge.request</c> is an object.</summary>
    private static Credential Parse(JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("challenge", out var challenge) || challenge.ValueKind != JsonValueKind.Object
            || !challenge.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("payload", out var payload))
        {
            throw new MppFormatException(MppErrorCode.InvalidChallenge, "The credential must be an object with challenge (its request an object) and payload.");
        }

        JsonElement? source = root.TryGetProperty("source", out var s) ? s.Clone() : null;
        return Credential.Create(Challenge.FromJson(challenge), payload.Clone(), source);
    }

    private async Task<JsonObject> DataAsync(string path, CredentialVerification? refused, CancellationToken cancellationToken)
    {
        var challenges = new JsonArray();
        foreach (var c in await payments.IssueChallengesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            challenges.Add((JsonNode)ToJson(c));
        }

        var kind = refused?.Problem ?? PaymentProblemType.PaymentRequired;
        var data = new JsonObject
        {
            ["httpStatus"] = 402,
            ["challenges"] = challenges,
            ["problem"] = new JsonObject
            {
                ["type"] = PaymentProblem.TypeUri(kind),
                ["title"] = refused is null ? "Payment Required" : "Payment Verification Failed",
                ["status"] = 402,
                ["detail"] = refused?.Detail ?? "Payment required for access.",
            },
        };
        if (refused is not null)
        {
            data["failure"] = new JsonObject { ["reason"] = kind.ToString(), ["detail"] = refused.Detail };
        }

        return data;
    }

    private static JsonObject ToJson(Challenge c)
    {
        var o = new JsonObject
        {
            ["id"] = c.Id,
            ["realm"] = c.Realm,
            ["method"] = c.Method,
            ["intent"] = c.Intent,
            ["request"] = JsonNode.Parse(c.Request.GetRawText()),
        };
        if (c.Expires is { } expires)
        {
            o["expires"] = expires;
        }

        if (c.Description is { } description)
        {
            o["description"] = description;
        }

        if (c.Digest is { } digest)
        {
            o["digest"] = digest;
        }

        if (c.Opaque is { } opaque)
        {
            o["opaque"] = opaque;
        }

        return o;
    }

    private static McpProtocolException Error(int code, string message, JsonObject data)
    {
        var error = new McpProtocolException(message, (McpErrorCode)code);
        foreach (var (key, value) in data)
        {
            using var doc = JsonDocument.Parse(value?.ToJsonString() ?? "null");
            error.Data[key] = doc.RootElement.Clone(); // the SDK writes Exception.Data as error.data
        }

        return error;
    }
}
