using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Internal;

/// <summary>Reads the payment members of JSON-RPC messages: challenges, problem, receipt.</summary>
internal static class McpPaymentData
{
    /// <summary>The JSON of an error's <c>data</c> (a <see cref="JsonElement"/> once deserialized, a node when built in process).</summary>
    public static JsonElement? ToElement(object? data) => data switch
    {
        JsonElement e => e,
        JsonNode n => Parse(n),
        _ => null,
    };

    public static JsonElement? Parse(JsonNode? node) =>
        node is null ? null : JsonSerializer.SerializeToElement(node, McpJsonContext.Default.JsonNode); // UTF-8 straight to an element, no string

    /// <summary>
    /// Reads <c>{challenges: [...], problem?}</c>: true when <c>challenges</c> is a non-empty array (what tells a payment
    /// challenge from MCP's <c>URLElicitationRequired</c>, which shares the code). Malformed challenges are kept as failures.
    /// </summary>
    public static bool TryReadChallenges(JsonElement? data, out IReadOnlyList<ChallengeParseResult> challenges, out PaymentProblem? problem)
    {
        challenges = [];
        problem = null;
        if (data is not { ValueKind: JsonValueKind.Object } d
            || !d.TryGetProperty("challenges", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return false;
        }

        var list = new List<ChallengeParseResult>();
        foreach (var item in array.EnumerateArray())
        {
            if (list.Count >= ChallengeParser.MaxChallenges)
            {
                break;
            }

            try
            {
                list.Add(ChallengeParseResult.Success(Challenge.FromJson(item)));
            }
            catch (MppFormatException ex)
            {
                list.Add(ChallengeParseResult.Failure(ex.Message));
            }
        }

        challenges = list;
        problem = ReadProblem(d);
        return true;
    }

    public static PaymentProblem? ReadProblem(JsonElement data) =>
        data.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.Object
            ? PaymentProblem.TryParse(JsonMarshal.GetRawUtf8Value(p)) // the element's own bytes, no copy
            : null;

    /// <summary>The <c>_meta</c> object of a result, or null.</summary>
    public static JsonObject? MetaOf(JsonNode? result) => result is JsonObject o && o["_meta"] is JsonObject meta ? meta : null;

    /// <summary>The receipt in <c>result._meta</c>, or null with why when one is there but malformed.</summary>
    public static PaymentReceipt? ReadReceipt(JsonNode? result, out string? error) => ReadReceiptFromMeta(MetaOf(result), out error);

    /// <summary>The receipt in a <c>_meta</c> object, or null with why.</summary>
    public static PaymentReceipt? ReadReceiptFromMeta(JsonObject? meta, out string? error)
    {
        error = null;
        if (meta?[McpPaymentMeta.ReceiptKey] is not { } node)
        {
            error = "The result carries no receipt in _meta[\"" + McpPaymentMeta.ReceiptKey + "\"].";
            return null;
        }

        try
        {
            return PaymentReceipt.FromJson(Parse(node)!.Value);
        }
        catch (MppFormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>True for a tool result that reports an error (<c>isError: true</c>).</summary>
    public static bool IsErrorResult(JsonNode? result) =>
        result is JsonObject o && o["isError"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
