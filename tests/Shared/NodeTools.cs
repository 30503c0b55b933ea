using System.Diagnostics;

namespace Mpp.Client.TestSupport;

/// <summary>Runs Node.js and npm for the tests that check our bytes and behaviour against the reference JavaScript SDKs.</summary>
internal static class NodeTools
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>Runs <c>npm ci</c> in <paramref name="dir"/> (pinned by its package-lock.json) unless every marker package is installed.</summary>
    public static async Task EnsureInstalledAsync(string dir, params string[] markerPackages)
    {
        await InstallGate.WaitAsync();
        try
        {
            if (markerPackages.All(p => Directory.Exists(Path.Combine(dir, "node_modules", p))))
            {
                return;
            }

            using var npm = Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = dir,
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
                throw new InvalidOperationException($"npm ci in {dir} failed: {await stderr}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>Starts a Node.js or npm process, explaining what is missing when it cannot start.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"These tests need Node.js 20+ and npm on PATH ('{start.FileName}' could not be started: {e.Message}). " +
                "CI installs them; locally install Node.js (the tests run `npm ci` themselves).", e);
        }
    }
}
