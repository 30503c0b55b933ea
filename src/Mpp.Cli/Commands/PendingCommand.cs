using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Cli.Configuration;
using Mpp.Cli.Output;
using Mpp.Client.Ledger;
using Spectre.Console;

namespace Mpp.Cli.Commands;

/// <summary>
/// <c>mpp pending</c>: payments not final in the ledger (reserved, sent, or with an unknown outcome — money may have
/// moved); <c>mpp pending check</c> asks each wallet (a Tempo payment is looked up on chain); <c>mpp pending resolve</c>
/// settles or releases one by hand after checking it elsewhere.
/// </summary>
internal static class PendingCommand
{
    public static Command Create(Option<string?> config, Option<bool> json, CliConsole console)
    {
        var command = new Command("pending", "List payments whose outcome is not final (money may have moved)");
        command.Add(json);
        command.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            await using var provider = await StartAsync(parse, config, ct).ConfigureAwait(false);
            var pending = await provider.GetRequiredService<PaymentReconciliation>().ListPendingAsync(ct).ConfigureAwait(false);
            Write(console, pending, parse.GetValue(json));
            return ExitCodes.Success;
        }));

        var check = new Command("check", "Ask the wallets about every sent payment with no outcome yet; settle or release what they know");
        check.Add(json);
        check.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            await using var provider = await StartAsync(parse, config, ct).ConfigureAwait(false);
            var reconciliation = provider.GetRequiredService<PaymentReconciliation>();
            var resolved = await reconciliation.ReconcileAsync(TimeSpan.Zero, ct).ConfigureAwait(false);
            console.Error.WriteLine($"mpp: {resolved.Count} payment(s) resolved");
            Write(console, await reconciliation.ListPendingAsync(ct).ConfigureAwait(false), parse.GetValue(json));
            return ExitCodes.Success;
        }));
        command.Add(check);

        var id = new Argument<string>("id") { Description = "The ledger entry id (from mpp pending)" };
        var settled = new Option<bool>("--settled") { Description = "The payment was taken: count it as spent" };
        var released = new Option<bool>("--released") { Description = "The payment was not taken: give the amount back to the budget" };
        var reference = new Option<string?>("--reference") { Description = "The payment's reference (transaction hash, receipt), kept with the entry" };
        var resolve = new Command("resolve", "Settle or release one pending payment by hand, after checking it elsewhere") { id, settled, released, reference };
        resolve.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            if (parse.GetValue(settled) == parse.GetValue(released))
            {
                throw new CliException(ExitCodes.Usage, "say either --settled or --released.");
            }

            if (!Guid.TryParse(parse.GetValue(id), out var entry))
            {
                throw new CliException(ExitCodes.Usage, $"'{parse.GetValue(id)}' is not a ledger entry id (see mpp pending).");
            }

            await using var provider = await StartAsync(parse, config, ct).ConfigureAwait(false);
            var reconciliation = provider.GetRequiredService<PaymentReconciliation>();
            if (!(await reconciliation.ListPendingAsync(ct).ConfigureAwait(false)).Any(e => e.Id == entry))
            {
                throw new CliException(ExitCodes.Usage, $"{entry} is not a pending payment (see mpp pending).");
            }

            var outcome = parse.GetValue(settled) ? LedgerOutcome.Settled : LedgerOutcome.Released;
            await reconciliation.ResolveAsync(entry, outcome, parse.GetValue(reference), ct).ConfigureAwait(false);
            console.Error.WriteLine($"mpp: {entry} {outcome.ToString().ToLowerInvariant()}");
            return ExitCodes.Success;
        }));
        command.Add(resolve);
        return command;
    }

    private static Task<Microsoft.Extensions.DependencyInjection.ServiceProvider> StartAsync(ParseResult parse, Option<string?> config, CancellationToken ct) =>
        CliServices.StartAsync(CliConfiguration.Load(parse.GetValue(config)), null, null, ct);

    private static void Write(CliConsole console, IReadOnlyList<LedgerEntry> pending, bool json)
    {
        if (json)
        {
            WriteJson(console, pending);
            return;
        }

        if (pending.Count == 0)
        {
            console.Error.WriteLine("mpp: no pending payments");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "id", "state", "created", "host", "method", "amount", "wallet reference" })
        {
            table.AddColumn(column);
        }

        foreach (var e in pending)
        {
            table.AddRow(e.Id.ToString(), e.State.ToString(), Words.Time(e.CreatedAt), Markup.Escape(e.Charge.Host),
                Markup.Escape($"{e.Charge.Method}/{e.Charge.Intent}"), $"{Words.Amount(e.Amount)} {e.Charge.Unit}", Markup.Escape(e.WalletReference ?? "-"));
        }

        console.Stdout.Write(table);
    }

    private static void WriteJson(CliConsole console, IReadOnlyList<LedgerEntry> pending) => JsonOut.Write(console, json =>
    {
        json.WriteStartArray();
        foreach (var e in pending)
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("state", e.State.ToString().ToLowerInvariant());
            json.WriteString("created", e.CreatedAt);
            json.WriteString("host", e.Charge.Host);
            json.WriteString("method", e.Charge.Method);
            json.WriteString("intent", e.Charge.Intent);
            json.WriteNumber("amount", e.Amount);
            json.WriteString("unit", e.Charge.Unit);
            json.WriteString("walletReference", e.WalletReference);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });
}
