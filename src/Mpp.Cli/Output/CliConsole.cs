using Spectre.Console;

namespace Mpp.Cli.Output;

/// <summary>The process's streams, and Spectre consoles over them (plain text when a stream is redirected).</summary>
internal sealed class CliConsole
{
    public TextWriter Out { get; } = Console.Out;

    public TextWriter Error { get; } = Console.Error;

    /// <summary>True when a person can answer a prompt: stdin and stderr are a terminal.</summary>
    public bool Interactive { get; } = !Console.IsInputRedirected && !Console.IsErrorRedirected;

    public bool ErrorIsTerminal { get; } = !Console.IsErrorRedirected;

    /// <summary>Tables and prompts for stdout.</summary>
    public IAnsiConsole Stdout => _stdout ??= Create(Out, !Console.IsOutputRedirected);

    /// <summary>Prompts and progress on stderr, so stdout stays the body.</summary>
    public IAnsiConsole Stderr => _stderr ??= Create(Error, ErrorIsTerminal);

    private IAnsiConsole? _stdout;
    private IAnsiConsole? _stderr;

    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 240; // a table written to a file or a pipe is not wrapped at 80 columns
        }

        return console;
    }
}
