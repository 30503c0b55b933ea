using System.CommandLine;
using Mpp.Cli.Output;

namespace Mpp.Cli.Commands;

/// <summary>The subcommands: <c>budget</c>, <c>pending</c> (with <c>check</c> and <c>resolve</c>), <c>wallets</c>, <c>discover</c>.</summary>
internal sealed class CliSubcommands(Option<string?> config, CliConsole console)
{
    public void AddTo(RootCommand root)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        root.Add(BudgetCommand.Create(config, json, console));
        root.Add(PendingCommand.Create(config, json, console));
        root.Add(WalletsCommand.Create(config, console));
        root.Add(DiscoverCommand.Create(json, console));
    }
}
