using System.CommandLine;
using Mpp.Cli.Commands;
using Mpp.Cli.Configuration;
using Mpp.Cli.Output;

namespace Mpp.Cli;

/// <summary>
/// The <c>mpp</c> command line: <c>mpp &lt;url&gt;</c> and its subcommands, parsed by System.CommandLine. Every failure is
/// one line on stderr and a documented exit code (<see cref="ExitCodes"/>); details only with <c>-v</c>.
/// </summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var console = new CliConsole();
        var config = new Option<string?>("--config") { Description = "A configuration file read after appsettings.json (JSON, with an Mpp section)", Recursive = true };
        var fetch = new FetchCommand();
        var root = new RootCommand("mpp — curl for paid APIs: pays 402 Payment Required answers (Machine Payments Protocol) with your configured wallets, within your spending policy and budget.");
        root.Add(config);
        fetch.AddTo(root);
        root.SetAction(Guarded(console, p => p.GetValue(fetch.Verbose), async (parse, ct) =>
        {
            var settings = fetch.Read(parse);
            var configuration = CliConfiguration.Load(parse.GetValue(config));
            return await new FetchRunner(settings, configuration, console).RunAsync(ct).ConfigureAwait(false);
        }));
        new CliSubcommands(config, console).AddTo(root);

        // No response files: '@file' is curl's "read the body from this file" (-d @body.json), not more arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync("mpp: " + error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("mpp: see mpp --help").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
    }

    /// <summary>Wraps a command's work: a <see cref="CliException"/> is its line and exit code; anything else is one line too.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guarded(
        CliConsole console, Func<ParseResult, bool> verbose, Func<ParseResult, CancellationToken, Task<int>> run) => async (parse, ct) =>
    {
        try
        {
            return await run(parse, ct).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await console.Error.WriteLineAsync("mpp: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("mpp: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e)
        {
            // SDK exception messages carry no secrets by contract; still, the default is the type only.
            await console.Error.WriteLineAsync($"mpp: internal error ({e.GetType().Name}){(verbose(parse) ? ": " + e : "; run with -v for details")}").ConfigureAwait(false);
            return ExitCodes.Internal;
        }
    };
}
