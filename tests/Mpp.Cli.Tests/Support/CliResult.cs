namespace Mpp.Cli.Tests.Support;

/// <summary>What one run of the <c>mpp</c> process printed, and its exit code.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
