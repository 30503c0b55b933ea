using System.Diagnostics;
using System.Text;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Interop;

/// <summary>
/// A fake Tempo chain on loopback (real clock) and the reference SDK's own tempo charge method (npm mppx 0.11.0, pinned
/// in interop/mppx/package-lock.json) served by <c>interop/mppx/tempo-server.mjs</c>, pointed at that chain. Installs
/// the pinned packages with <c>npm ci</c> when they are missing.
/// </summary>
public sealed class MppxTempoServerFixture : IAsyncLifetime
{
    public const string Realm = "mppx-tempo-interop";

    private readonly StringBuilder _stderr = new();
    private Process? _process;

    internal FakeTempoChain Chain { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string Recipient { get; } = TestPayer.NewAddress();

    public string SplitRecipient { get; } = TestPayer.NewAddress();

    /// <summary>The test-only key mppx co-signs sponsored transactions with.</summary>
    private static readonly string FeePayerKeyHex = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The address of the test-only key mppx co-signs sponsored transactions with.</summary>
    public string FeePayer { get; } = Keys.TempoPrivateKey.FromHex(FeePayerKeyHex).Address;

    public string ServerLog
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        Chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var dir = Path.Combine(RepositoryRoot.Path, "interop", "mppx");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "mppx")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", dir, TimeSpan.FromMinutes(5));
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "tempo-server.mjs", "--exit-on-stdin-close", "--rpc-url", Chain.Endpoint.ToString(), "--recipient", Recipient,
            "--split-recipient", SplitRecipient, "--chain-id", Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--realm", Realm,
            "--fee-payer-key", FeePayerKeyHex,
        })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The mppx tempo interop tests need Node.js (`node` on PATH, >= 20) and npm.", e);
        }

        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The mppx tempo server exited before listening: " + ServerLog);
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                BaseAddress = new Uri($"http://127.0.0.1:{line["LISTENING ".Length..].Trim()}/");
                return;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
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

        if (Chain is not null)
        {
            await Chain.DisposeAsync();
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
