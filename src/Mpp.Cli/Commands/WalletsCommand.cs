using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Cli.Configuration;
using Mpp.Cli.Output;
using Mpp.Client.Stripe;
using Mpp.Client.Tempo;
using Spectre.Console;

namespace Mpp.Cli.Commands;

/// <summary>
/// <c>mpp wallets</c>: what is configured and whether it works — the Tempo address and, per chain, the node's health and
/// the stablecoin balances; the Stripe mode (from the key's prefix; never the key); the ledger. Exit 7 when a node is
/// unreachable. Wallet packages <c>mpp</c> does not ship are absent, not faked.
/// </summary>
internal static class WalletsCommand
{
    private static readonly (string Name, string Token)[] Stablecoins = [("pathUSD", TempoChains.PathUsd), ("USDC.e", TempoChains.UsdcE)];

    public static Command Create(Option<string?> config, CliConsole console)
    {
        var command = new Command("wallets", "Show the configured wallets, check their nodes, and show balances (never a key)");
        command.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            var configuration = CliConfiguration.Load(parse.GetValue(config));
            await using var provider = await CliServices.StartAsync(configuration, null, null, ct).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Simple).AddColumn("wallet").AddColumn("account").AddColumn("status");
            var healthy = true;
            if (provider.GetService<TempoAccount>() is { } tempo)
            {
                foreach (var chain in tempo.Chains)
                {
                    var (ok, status) = await TempoStatusAsync(tempo, chain, ct).ConfigureAwait(false);
                    healthy &= ok;
                    table.AddRow($"tempo (chain {chain})", tempo.Address, Markup.Escape(status));
                }
            }

            if (configuration.GetSection("Mpp:Stripe").Exists())
            {
                // The wallet's own reading of its key (or its custom issuer's), never the key.
                string mode;
                try
                {
                    mode = provider.GetService<StripeAccount>()?.LiveMode switch { true => "live mode", false => "test mode", null => "mode unknown" };
                }
                catch (Microsoft.Extensions.Options.OptionsValidationException)
                {
                    mode = "settings invalid";
                    healthy = false;
                }

                table.AddRow("stripe", Markup.Escape(configuration["Mpp:Stripe:PaymentMethod"] ?? "-"), $"{mode}; not checked (minting a token is the only check, and it is a payment step)");
            }

            if (configuration.GetSection("Mpp:Lightning").Exists())
            {
                var rest = Uri.TryCreate(configuration["Mpp:Lightning:Lnd:RestUrl"], UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : "custom node";
                table.AddRow($"lightning ({configuration["Mpp:Lightning:Network"] ?? "mainnet"})", Markup.Escape(rest), "not checked (the node interface has no info call yet)");
            }

            if (configuration.GetSection("Mpp:X402").Exists())
            {
                var networks = configuration.GetSection("Mpp:X402:Networks").GetChildren().Select(c => c.Value).Where(v => v is not null);
                table.AddRow("x402 (exact, EVM)", Markup.Escape(string.Join(", ", networks)), "not checked (an x402 payment is an off-chain authorization; the facilitator settles it)");
            }

            var ledger = configuration["Mpp:Ledger:Provider"] is { Length: > 0 } p && p.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase)
                ? "PostgreSQL (connection string not shown)"
                : "SQLite " + (configuration["Mpp:Ledger:Path"] ?? CliConfiguration.DefaultLedgerPath);
            table.AddRow("ledger", Markup.Escape(ledger), "open");
            console.Stdout.Write(table);
            if (table.Rows.Count == 1)
            {
                console.Error.WriteLine("mpp: no wallet is configured (Mpp:Tempo, Mpp:Stripe): nothing can be paid.");
            }

            return healthy ? ExitCodes.Success : ExitCodes.Network;
        }));
        return command;
    }

    private static async Task<(bool Ok, string Status)> TempoStatusAsync(TempoAccount tempo, ulong chain, CancellationToken ct)
    {
        var balances = new List<string>();
        try
        {
            foreach (var (name, token) in Stablecoins)
            {
                var units = await tempo.GetBalanceAsync(chain, token, ct).ConfigureAwait(false);
                balances.Add($"{((decimal)units / (decimal)Math.Pow(10, TempoChains.StablecoinDecimals)).ToString("0.######", CultureInfo.InvariantCulture)} {name}");
            }

            return (true, "node ok; " + string.Join(", ", balances));
        }
        catch (TempoNodeException e)
        {
            return (false, "node unreachable: " + e.Message);
        }
    }
}
