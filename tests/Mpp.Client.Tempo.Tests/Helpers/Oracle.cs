using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mpp.Client.Tempo.Tests.Helpers;

/// <summary>
/// Runs interop/tempo/oracle.mjs (ox and viem, pinned by interop/tempo/package-lock.json): one JSON request on stdin,
/// one JSON answer on stdout. Installs the pinned packages with <c>npm ci</c> when they are missing.
/// </summary>
internal static class Oracle
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "tempo");

    public static async Task<JsonNode> CallAsync(JsonObject request)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node", "oracle.mjs")
        {
            WorkingDirectory = Dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = StartOrExplain(start);
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

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Dir, "node_modules", "ox")) && Directory.Exists(Path.Combine(Dir, "node_modules", "viem")))
            {
                return;
            }

            using var npm = StartOrExplain(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = Dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var stderr = npm.StandardError.ReadToEndAsync(timeout.Token);
            _ = npm.StandardOutput.ReadToEndAsync(timeout.Token);
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {Dir} failed: {await stderr}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The Tempo oracle tests need Node.js 20+ and npm on PATH ('{start.FileName}' could not be started: {e.Message}). " +
                "CI installs them; locally install Node.js, then run `npm ci` in interop/tempo.", e);
        }
    }

    public static string Str(this JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("missing value");

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
