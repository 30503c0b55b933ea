using System.Diagnostics;
using System.Text;

namespace Mpp.Client.TestSupport;

/// <summary>
/// A Node.js server from <c>interop/</c> speaking the fixtures' protocol (<c>interop/mppx/harness.mjs</c>): it prints
/// <c>LISTENING &lt;port&gt;</c> when ready and exits when its stdin closes, so it never outlives the tests.
/// </summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private NodeServer(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the server wrote to stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Installs the pinned packages when missing, starts <c>node</c> with <paramref name="arguments"/> in <paramref name="dir"/>, waits until it listens.</summary>
    public static async Task<NodeServer> StartAsync(string dir, string[] markerPackages, params string[] arguments)
    {
        await NodeTools.EnsureInstalledAsync(dir, markerPackages);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Append("--exit-on-stdin-close"))
        {
            start.ArgumentList.Add(argument);
        }

        var server = new NodeServer(NodeTools.Start(start));
        server._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._stderr)
                {
                    server._stderr.AppendLine(e.Data);
                }
            }
        };
        server._process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await server._process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"node {arguments[0]} exited before listening: {server.Log}");
                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    server.BaseAddress = new Uri($"http://127.0.0.1:{line["LISTENING ".Length..].Trim()}/");
                    return server;
                }
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
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
}
