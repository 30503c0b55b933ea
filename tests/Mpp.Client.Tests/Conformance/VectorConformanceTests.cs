using System.Text.Json.Nodes;
using Mpp.Conformance;

namespace Mpp.Client.Tests.Conformance;

/// <summary>
/// Every scenario of the official vector files (<c>Conformance/vectors</c>, see <c>SOURCE.md</c>) through the
/// conformance adapter, in-process, with the harness runner's comparison rules. Scenarios restricted upstream to other
/// SDKs (an <c>adapters</c> list) run too: this SDK is held to them.
/// </summary>
public sealed class VectorConformanceTests
{
    /// <summary>
    /// Checks the SDK is known to fail, with the reason. Each still runs and must still fail: when the SDK is fixed the
    /// check turns red, and its entry must be removed here.
    /// </summary>
    private readonly ConformanceAdapter _adapter = new();

    public static TheoryData<string, string, string> Checks()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (stem, scenario, test) in OfficialVectors.Checks())
        {
            data.Add(stem, scenario, test);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Vector_scenario_conforms(string file, string scenario, string test)
    {
        var s = OfficialVectors.Scenario(file, scenario);
        var (passed, why) = await new VectorCheck(_adapter).RunAsync(file, s, test);

        Assert.True(passed, why);
    }

    [Fact]
    public void Vector_files_are_present_and_every_scenario_yields_a_check()
    {
        string[] required = ["www-authenticate", "authorization", "base64url", "challenge-id"];
        foreach (var stem in required)
        {
            Assert.True(OfficialVectors.All.ContainsKey(stem), $"missing Conformance/vectors/{stem}.json");
        }

        var checks = OfficialVectors.Checks().ToList();
        foreach (var (stem, file) in OfficialVectors.All)
        {
            foreach (var s in OfficialVectors.Scenarios(stem))
            {
                var name = (string)s["name"]!;
                Assert.True(checks.Any(c => c.Stem == stem && c.Scenario == name), $"{stem}/{name} yields no check");
            }
        }

        // With the copy named in SOURCE.md: the runner's 110 checks plus 3 of a scenario it leaves to the Rust SDK.
        Assert.True(checks.Count >= 113, $"only {checks.Count} checks");
    }

    [Fact]
    public async Task Adversarial_unclosed_quoted_extension_parses_in_linear_time()
    {
        // 12,000 backslashes in an unclosed quoted-string: the challenge before it must still come out.
        var s = OfficialVectors.Scenario("www-authenticate", "adversarial_unclosed_quoted_extension");
        var header = VectorCheck.WireOf(s)!;
        Assert.True(header.Length > 12_000);

        var response = await _adapter.HandleAsync(new JsonObject
        {
            ["schema"] = 1,
            ["op"] = "challenge.parse",
            ["input"] = new JsonObject { ["header"] = header },
        });

        Assert.True(response["ok"]!.GetValue<bool>(), response.ToJsonString());
        Assert.Equal("ch_redos", (string?)response["value"]!["id"]);
    }

    [Fact]
    public void Flow_files_are_present_and_parse()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Conformance", "flows");
        var flows = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "flows.json")))!;
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "golden-results.json")))!;
        Assert.NotNull(flows);
        Assert.NotNull(golden);
    }
}
