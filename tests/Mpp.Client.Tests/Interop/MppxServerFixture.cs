using System.Diagnostics;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Interop;

/// <summary>
/// Starts the reference SDK's server (npm mppx, pinned in interop/mppx/package-lock.json) on loopback. Installs the pinned
/// packages with <c>npm ci</c> when they are missing, so <c>dotnet test</c> works on a fresh clone.
/// </summary>
public sealed class MppxServerFixture : IAsyncLifetime
{
    private Process? _process;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dir = Path.Combine(RepositoryRoot.Path, "interop", "mppx");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "mppx")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", dir, TimeSpan.FromMinutes(5));
        }

        var start = new ProcessStartInfo("node", "server.mjs --exit-on-stdin-close")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The mppx server exited before listening.");
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                BaseAddress = new Uri($"http://127.0.0.1:{line["LISTENING ".Length..].Trim()}/");
                return;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task RunAsync(string file, string args, string dir, TimeSpan limit)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{file} did not start");
        using var cts = new CancellationTokenSource(limit);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        _ = p.StandardOutput.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed: {await stderr}");
        }
    }
}
