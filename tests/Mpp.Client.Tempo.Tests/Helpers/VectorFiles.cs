using System.Text.Json.Nodes;

namespace Mpp.Client.Tempo.Tests.Helpers;

internal static class VectorFiles
{
    public static JsonNode Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", name)))!;

    public static JsonNode Scenario(string file, string scenario) =>
        Load(file)["scenarios"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == scenario)!;
}
