using System.Text;
using System.Text.Json.Nodes;
using Mpp.Conformance;

namespace Mpp.Client.Tests.Conformance;

/// <summary>
/// A port of the comparison rules of the strict vector runner (<c>../shared/tools/vector_runner.py</c>), calling the adapter
/// in-process. As strict as the runner: values compare as exact JSON (an absent key differs from a <c>null</c> one; only an
/// embedded base64url <c>request</c> string is decoded), an expected failure must carry exactly the vector's
/// <c>error_type</c>, and a header parse must finish within 5 s. Stricter in one way: every response must be a well-formed
/// ABI response (one line, an error type of the ABI, a message).
/// </summary>
internal sealed class VectorCheck(ConformanceAdapter adapter)
{
    private static readonly HashSet<string> ErrorTypes =
    [
        "parse_error", "format_error", "encoding_error", "generation_error", "verification_error", "http_error",
        "unsupported_operation", "unknown_error",
    ];

    /// <summary>The runner's time limit for one header parse.</summary>
    private static readonly TimeSpan ParseLimit = TimeSpan.FromSeconds(5);

    public async Task<(bool Passed, string Why)> RunAsync(string stem, JsonObject s, string test)
    {
        var tests = s["tests"] as JsonObject;
        if (OfficialVectors.HeaderKinds.TryGetValue(stem, out var kind))
        {
            return await CheckHeaderAsync(kind, test, tests?[test], s);
        }

        if (stem == "base64url")
        {
            var exp = tests?[test];
            if (test is "parse" or "roundtrip")
            {
                var r = await CallAsync("base64url.decode", new JsonObject { ["text"] = (string?)s["encoded"] });
                return OfficialVectors.ExpectsFailure(exp)
                    ? FailedAs(r, exp)
                    : (IsOk(r) && Text(r, "text") == (string?)s["decoded"], Show(r));
            }

            var e = await CallAsync("base64url.encode", new JsonObject { ["text"] = (string?)s["decoded"] });
            return (IsOk(e) && Text(e, "text") == (string?)s["encoded"], Show(e));
        }

        if (stem == "challenge-id")
        {
            var r = await CallAsync("challenge.id", s["input"]);
            var gen = tests?["generate"];
            return OfficialVectors.ExpectsFailure(gen)
                ? FailedAs(r, gen)
                : (IsOk(r) && Text(r, "id") == (string?)s["expected"], Show(r));
        }

        return (false, $"unknown vector file {stem}");
    }

    private async Task<(bool, string)> CheckHeaderAsync(string kind, string test, JsonNode? exp, JsonObject s)
    {
        if (test == "parse")
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var r = await CallAsync($"{kind}.parse", new JsonObject { ["header"] = WireOf(s) });
            if (clock.Elapsed > ParseLimit)
            {
                return (false, $"parse took {clock.Elapsed.TotalSeconds:F1} s (limit {ParseLimit.TotalSeconds} s)");
            }

            if (OfficialVectors.ExpectsFailure(exp))
            {
                return FailedAs(r, exp);
            }

            if (!IsOk(r))
            {
                return (false, "error " + Show(r));
            }

            return (JsonNode.DeepEquals(Norm(r["value"]), Norm(s["object"])), "parsed " + Show(Norm(r["value"])));
        }

        var formatted = await CallAsync($"{kind}.format", s["object"]);
        if (OfficialVectors.ExpectsFailure(exp))
        {
            return FailedAs(formatted, exp);
        }

        if (!IsOk(formatted))
        {
            return (false, "error " + Show(formatted));
        }

        var header = Text(formatted, "header") ?? string.Empty;
        var back = await CallAsync($"{kind}.parse", new JsonObject { ["header"] = header });
        if (!IsOk(back))
        {
            return (false, "own format not parseable: " + header);
        }

        var same = JsonNode.DeepEquals(Norm(back["value"]), Norm(s["object"]));
        if (same && test == "format" && s["wire"] is JsonValue wv && wv.TryGetValue<string>(out var wire))
        {
            if (kind == "challenge" && wire.Contains("request=\"", StringComparison.Ordinal))
            {
                // The embedded request must be JCS, byte for byte.
                same = RequestParam(header) is { } mine && mine == RequestParam(wire);
            }
            else if (kind == "credential")
            {
                // The whole token is the JSON of the object (semantically).
                same = JsonNode.DeepEquals(Norm(DecodeJson(LastWord(header))), Norm(DecodeJson(LastWord(wire))));
            }
        }

        return (same, "formatted " + header);
    }

    private async Task<JsonObject> CallAsync(string op, JsonNode? input)
    {
        var request = new JsonObject { ["schema"] = 1, ["op"] = op, ["input"] = input?.DeepClone() };
        var response = await adapter.HandleAsync(request);
        var o = Assert.IsType<JsonObject>(response);

        // Round-trip through the wire form, as the harness would read it.
        var line = ConformanceAdapter.Serialize(o);
        Assert.DoesNotContain('\n', line);
        var parsed = JsonNode.Parse(line)!.AsObject();
        var ok = parsed["ok"]!.GetValue<bool>();
        if (ok)
        {
            Assert.True(parsed.ContainsKey("value"), "ok response without value");
        }
        else
        {
            var error = parsed["error"]!.AsObject();
            Assert.Contains(error["type"]!.GetValue<string>(), ErrorTypes);
            Assert.IsType<string>(error["message"]!.GetValue<string>());
        }

        return parsed;
    }

    private static (bool, string) FailedAs(JsonObject r, JsonNode? exp)
    {
        var expected = (string?)exp?["error_type"];
        if (IsOk(r))
        {
            return (false, $"expected {expected}, got success {Show(r)}");
        }

        var type = (string?)r["error"]?["type"];
        return expected is null || type == expected ? (true, string.Empty) : (false, $"expected {expected}, got {Show(r)}");
    }

    private static bool IsOk(JsonObject r) => r["ok"]?.GetValue<bool>() == true;

    private static string? Text(JsonObject r, string key) =>
        r["value"] is JsonObject v && v[key] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;

    private static string Show(JsonNode? n) => n?.ToJsonString() is { } s && s.Length > 300 ? s[..300] : n?.ToJsonString() ?? "null";

    /// <summary>The header text of a scenario: a string, or <c>prefix + repeat × count + suffix</c>.</summary>
    internal static string? WireOf(JsonObject s) => s["wire"] switch
    {
        JsonObject w => (string?)w["prefix"] + string.Concat(Enumerable.Repeat((string?)w["repeat"] ?? string.Empty, (int?)w["count"] ?? 0)) + (string?)w["suffix"],
        JsonValue v => (string?)v,
        _ => null,
    };

    /// <summary>
    /// The runner's comparison form, as strict as the official harness: every key is kept, <c>null</c> ones included (an absent
    /// key differs from a <c>null</c> one); only an embedded base64url <c>request</c> string is decoded, so both spellings of
    /// one request compare equal.
    /// </summary>
    internal static JsonNode? Norm(JsonNode? o)
    {
        switch (o)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, v) in obj)
                {
                    var value = v;
                    if (key == "request" && v is JsonValue sv && sv.TryGetValue<string>(out var encoded))
                    {
                        value = TryDecodeJson(encoded) ?? v;
                    }

                    result[key] = Norm(value);
                }

                return result;
            case JsonArray array:
                return new JsonArray(array.Select(Norm).ToArray());
            default:
                return o?.DeepClone();
        }
    }

    private static string? RequestParam(string header)
    {
        var i = header.IndexOf("request=\"", StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        var rest = header[(i + 9)..];
        var end = rest.IndexOf('"', StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }

    private static string LastWord(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[^1];

    private static JsonNode? DecodeJson(string base64Url) => JsonNode.Parse(DecodeBase64Url(base64Url));

    private static JsonNode? TryDecodeJson(string base64Url)
    {
        try
        {
            return JsonNode.Parse(DecodeBase64Url(base64Url));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Independent of the SDK's decoder on purpose: the checker must not share the code it checks.</summary>
    private static string DecodeBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - (b64.Length % 4)) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(b64));
    }
}
