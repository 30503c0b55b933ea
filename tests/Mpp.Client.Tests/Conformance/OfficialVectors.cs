using System.Text.Json.Nodes;

namespace Mpp.Client.Tests.Conformance;

/// <summary>
/// The official vector files copied under <c>Conformance/vectors</c> (see <c>SOURCE.md</c>) and the checks the harness's
/// vector runner derives from them: one check per (file, scenario, test) exactly as <c>vector_runner.py</c> counts them.
/// </summary>
internal static class OfficialVectors
{
    /// <summary>The vector files the core codecs answer for, in the runner's order. <c>receipt</c> is used when present.</summary>
    public static readonly string[] Stems = ["authorization", "base64url", "challenge-id", "receipt", "www-authenticate"];

    /// <summary>Header vector files and the protocol noun of their operations.</summary>
    public static readonly IReadOnlyDictionary<string, string> HeaderKinds = new Dictionary<string, string>
    {
        ["www-authenticate"] = "challenge",
        ["authorization"] = "credential",
        ["receipt"] = "receipt",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Files = new(LoadAll);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors");

    /// <summary>The loaded vector files by stem (absent files are left out).</summary>
    public static IReadOnlyDictionary<string, JsonObject> All => Files.Value;

    public static JsonObject Scenario(string stem, string name) =>
        All[stem]["scenarios"]!.AsArray().Single(s => (string?)s!["name"] == name)!.AsObject();

    public static IEnumerable<JsonObject> Scenarios(string stem) =>
        All[stem]["scenarios"]!.AsArray().Select(s => s!.AsObject());

    /// <summary>Every check of every scenario, as (file stem, scenario name, test key).</summary>
    public static IEnumerable<(string Stem, string Scenario, string Test)> Checks()
    {
        foreach (var stem in Stems)
        {
            if (!All.ContainsKey(stem))
            {
                continue;
            }

            foreach (var s in Scenarios(stem))
            {
                var name = (string)s["name"]!;
                foreach (var test in TestsOf(stem, s))
                {
                    yield return (stem, name, test);
                }
            }
        }
    }

    /// <summary>The test keys of one scenario that the runner turns into checks.</summary>
    public static IEnumerable<string> TestsOf(string stem, JsonObject scenario)
    {
        var tests = scenario["tests"] as JsonObject;
        if (stem == "challenge-id")
        {
            yield return "generate";
            yield break;
        }

        if (tests is null)
        {
            yield break;
        }

        foreach (var (key, expectation) in tests)
        {
            if (HeaderKinds.ContainsKey(stem))
            {
                if (key is "parse" or "format" or "roundtrip" && IsTruthy(expectation))
                {
                    yield return key;
                }
            }
            else if (stem == "base64url")
            {
                if (key is "parse" or "roundtrip" || (key == "format" && !ExpectsFailure(expectation)))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>True when the expectation is <c>{"success": false, …}</c>.</summary>
    public static bool ExpectsFailure(JsonNode? expectation) =>
        expectation is JsonObject o && o["success"] is JsonValue v && v.TryGetValue<bool>(out var ok) && !ok;

    /// <summary>Python truthiness, as the runner tests an expectation: null, false, 0, "", [] and {} are false.</summary>
    private static bool IsTruthy(JsonNode? n) => n switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var t) => t.Length > 0,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d != 0,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    private static IReadOnlyDictionary<string, JsonObject> LoadAll()
    {
        var files = new Dictionary<string, JsonObject>();
        foreach (var stem in Stems)
        {
            var path = Path.Combine(Directory, stem + ".json");
            if (File.Exists(path))
            {
                files[stem] = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            }
        }

        return files;
    }
}
