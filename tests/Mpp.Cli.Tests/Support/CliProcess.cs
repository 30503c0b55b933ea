using System.Diagnostics;

namespace Mpp.Cli.Tests.Support;

/// <summary>
/// Runs the built tool as a real process — <c>dotnet mpp.dll</c> from the test output, or the Native AOT binary named by
/// <c>MPP_CLI_BINARY</c> (.ci/aot-smoke) — with its own HOME (per-user config, ledger and user secrets) and working
/// folder, and no <c>Mpp__*</c> variable inherited from the machine.
/// </summary>
internal static class CliProcess
{
    public static async Task<CliResult> RunAsync(string workDir, string home, IReadOnlyDictionary<string, string>? environment, string? stdin, params string[] args)
    {
        var start = Start(workDir, home, environment);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return await RunAsync(start, stdin);
    }

    /// <summary>
    /// Runs the tool inside a pseudo-terminal (util-linux <c>script</c>) and types <paramref name="typed"/> once
    /// <paramref name="prompt"/> has appeared, as a person would; stdout and stderr are merged there.
    /// </summary>
    public static async Task<CliResult> RunInTerminalAsync(string workDir, string home, string prompt, string typed, params string[] args)
    {
        var inner = Start(workDir, home, null);
        var command = string.Join(' ', new[] { inner.FileName }.Concat(inner.ArgumentList).Concat(args).Select(Quote));
        var start = Start(workDir, home, null);
        start.FileName = "script";
        start.ArgumentList.Clear();
        foreach (var a in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("script did not start");
        var seen = new System.Text.StringBuilder();
        var promptSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            var buffer = new char[256];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (seen)
                {
                    seen.Append(buffer, 0, read);
                    if (seen.ToString().Contains(prompt, StringComparison.Ordinal))
                    {
                        promptSeen.TrySetResult();
                    }
                }
            }

            promptSeen.TrySetResult(); // exited without asking: the assertions say so
        });
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await promptSeen.Task.WaitAsync(TimeSpan.FromMinutes(1));
            await process.StandardInput.WriteAsync(typed);
            await process.StandardInput.FlushAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (seen)
            {
                throw new TimeoutException($"mpp in a terminal did not finish; it printed: {seen}");
            }
        }

        await reader;
        lock (seen)
        {
            // What a person saw, without the terminal's escape sequences (colours, bold, keypad mode).
            var text = System.Text.RegularExpressions.Regex.Replace(seen.ToString(), @"\x1b(\[[0-9;?]*[A-Za-z]|[=>])", string.Empty);
            return new CliResult(process.ExitCode, text, stderr.Result);
        }
    }

    /// <summary>The framework-dependent build of the tool, in its own output folder (set by the test project file).</summary>
    private static string ToolDll => typeof(CliProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "MppCliDll").Value!;

    private static ProcessStartInfo Start(string workDir, string home, IReadOnlyDictionary<string, string>? environment)
    {
        var binary = Environment.GetEnvironmentVariable("MPP_CLI_BINARY");
        var start = new ProcessStartInfo(binary ?? "dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (binary is null)
        {
            start.ArgumentList.Add(ToolDll);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Mpp__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("XDG_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["HOME"] = home;
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static async Task<CliResult> RunAsync(ProcessStartInfo start, string? stdin)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("mpp did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpp did not exit: {await stdout} {await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
