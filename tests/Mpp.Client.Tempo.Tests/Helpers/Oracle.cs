using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Tempo.Tests.Helpers;

/// <summary>
/// Runs interop/tempo/oracle.mjs (ox, viem and mppx 0.11.0, pinned by interop/tempo/package-lock.json): one JSON request on stdin,
/// one JSON answer on stdout. Installs the pinned packages with <c>npm ci</c> when they are missing.
/// </summary>
internal static class Oracle
{
    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "tempo");

    public static async Task<JsonNode> CallAsync(JsonObject request)
    {
        await NodeTools.EnsureInstalledAsync(Dir, "ox", "viem", "mppx");
        var start = new ProcessStartInfo("node", "oracle.mjs")
        {
            WorkingDirectory = Dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = NodeTools.Start(start);
        await process.StandardInput.WriteAsync(request.ToJsonString());
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var answer = JsonNode.Parse(await stdout) as JsonObject
            ?? throw new InvalidOperationException("The oracle wrote no JSON. stderr: " + await stderr);
        if (answer["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"The oracle failed: {answer["error"]} {await stderr}");
        }

        return answer["result"]!;
    }

    public static string Str(this JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("missing value");

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
