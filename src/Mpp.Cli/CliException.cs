namespace Mpp.Cli;

/// <summary>A failure with its exit code and a one-line, secret-free message for stderr.</summary>
internal sealed class CliException(int exitCode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
