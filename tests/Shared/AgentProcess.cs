using System.Diagnostics;
using System.Text;

namespace Mpp.Client.TestSupport;

/// <summary>
/// A test agent (a console program of the test suite) run as a separate OS process with line-based stdin/stdout, so a
/// test can SIGKILL it mid-payment and start another over the same files.
/// </summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c>.</summary>
    public static AgentProcess Start(string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new AgentProcess(Process.Start(info)!);
    }

    /// <summary>The next line that starts with <paramref name="prefix"/>, split on spaces after it.</summary>
    public async Task<string[]> ReadAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(prefix + " ", StringComparison.Ordinal))
            {
                return line[(prefix.Length + 1)..].Split(' ');
            }
        }

        await _process.WaitForExitAsync(timeout.Token);
        string errors;
        lock (_errors)
        {
            errors = _errors.ToString();
        }

        throw new InvalidOperationException($"The agent exited (code {_process.ExitCode}) before writing {prefix}: {errors}");
    }

    public Task WriteAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    /// <summary>SIGKILL: no finally block, no dispose, no flush runs in the agent.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async Task<int> ExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
