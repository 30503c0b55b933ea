using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Cli.Configuration;
using Mpp.Cli.Output;
using Mpp.Client.Policy;
using Spectre.Console;

namespace Mpp.Cli.Commands;

/// <summary><c>mpp budget</c>: spent, locked and left per cap and window — the global caps and each configured host's.</summary>
internal static class BudgetCommand
{
    public static Command Create(Option<string?> config, Option<bool> json, CliConsole console)
    {
        var command = new Command("budget", "Show what has been spent, what is locked by payments in flight, and what is left, per cap and window");
        command.Add(json);
        command.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            var configuration = CliConfiguration.Load(parse.GetValue(config));
            await using var provider = await CliServices.StartAsync(configuration, null, null, ct).ConfigureAwait(false);
            var policy = provider.GetRequiredService<SpendingPolicy>();
            var rows = new List<(string Host, BudgetStatus Status)>();
            rows.AddRange((await policy.GetBudgetAsync(null, ct).ConfigureAwait(false)).Select(s => ("*", s)));
            foreach (var host in configuration.GetSection("Mpp:Hosts").GetChildren().Select(c => c.Key))
            {
                rows.AddRange((await policy.GetBudgetAsync(host, ct).ConfigureAwait(false)).Where(s => s.Scope is not null).Select(s => (host, s)));
            }

            if (parse.GetValue(json))
            {
                WriteJson(console, rows);
            }
            else if (rows.Count == 0)
            {
                console.Error.WriteLine("mpp: no caps are configured (Mpp:Budget); every payment in an uncapped unit is refused unless Mpp:AllowUncappedUnits is set.");
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple);
                foreach (var column in new[] { "host", "cap", "window", "unit", "limit", "spent", "locked", "left" })
                {
                    table.AddColumn(column);
                }

                foreach (var (host, s) in rows)
                {
                    table.AddRow(Markup.Escape(host), s.Name, Words.Window(s.Window), s.Unit, Words.Amount(s.Cap), Words.Amount(s.Settled), Words.Amount(s.Locked), Words.Amount(s.Remaining));
                }

                console.Stdout.Write(table);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteJson(CliConsole console, List<(string Host, BudgetStatus Status)> rows) => JsonOut.Write(console, json =>
    {
        json.WriteStartArray();
        foreach (var (host, s) in rows)
        {
            json.WriteStartObject();
            json.WriteString("host", host);
            json.WriteString("cap", s.Name);
            json.WriteString("unit", s.Unit);
            if (s.Window is { } window)
            {
                json.WriteNumber("windowSeconds", (long)window.TotalSeconds);
            }

            json.WriteNumber("limit", s.Cap);
            json.WriteNumber("spent", s.Settled);
            json.WriteNumber("locked", s.Locked);
            json.WriteNumber("left", s.Remaining);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });
}
