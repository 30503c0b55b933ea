using System.CommandLine;
using Mpp.Cli.Output;

namespace Mpp.Cli.Commands;

/// <summary>The subcommands: <c>budget</c>, <c>pending</c>, <c>wallets</c>, <c>discover</c>.</summary>
internal sealed class CliSubcommands(Option<string?> config, CliConsole console)
{
    public void AddTo(RootCommand root)
    {
        _ = config;
        _ = console;
        _ = root;
    }
}
