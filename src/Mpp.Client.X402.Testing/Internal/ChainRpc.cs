using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Mpp.Client.X402.Testing.Internal;

/// <summary>
/// The test server's stand-in for a chain node: <c>eth_call</c> of <c>authorizationState(address,bytes32)</c>
/// (selector <c>0xe94a0102</c>) answers whether a settled payment used that authorizer's nonce on that token; anything
/// else is a JSON-RPC error.
/// </summary>
internal static class ChainRpc
{
    private const string AuthorizationStateSelector = "e94a0102";

    public static async Task AnswerAsync(HttpContext context, IEnumerable<X402TestPayment> payments)
    {
        JsonElement id = default;
        string? answer = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var root = doc.RootElement;
            id = root.TryGetProperty("id", out var i) ? i.Clone() : default;
            if (root.GetProperty("method").GetString() == "eth_call")
            {
                var call = root.GetProperty("params")[0];
                var to = call.GetProperty("to").GetString() ?? string.Empty;
                var data = (call.GetProperty("data").GetString() ?? string.Empty).ToLowerInvariant();
                if (data.Length == 2 + 8 + 64 + 64 && data.StartsWith("0x" + AuthorizationStateSelector, StringComparison.Ordinal))
                {
                    var authorizer = "0x" + data[(10 + 24)..(10 + 64)];
                    var nonce = "0x" + data[(10 + 64)..];
                    var used = payments.Any(p => string.Equals(p.Asset, to, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(p.From, authorizer, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(p.Nonce, nonce, StringComparison.OrdinalIgnoreCase));
                    answer = "0x" + new string('0', 63) + (used ? "1" : "0");
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // answered as an error below
        }

        context.Response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, id, answer);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement id, string? answer)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            id.WriteTo(writer);
        }

        if (answer is not null)
        {
            writer.WriteString("result", answer);
        }
        else
        {
            writer.WriteStartObject("error");
            writer.WriteNumber("code", -32601);
            writer.WriteString("message", "the x402 test server's chain only answers eth_call of authorizationState(address,bytes32)");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
