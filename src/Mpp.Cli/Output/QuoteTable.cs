using Mpp.Client.Http;
using Mpp.Client.Methods;
using Spectre.Console;

namespace Mpp.Cli.Output;

/// <summary><c>--quote</c>: every challenge of the 402 — method, amount in display and base units, recipient, expiry, and
/// whether the policy allows it (and why not).</summary>
internal static class QuoteTable
{
    public static void Write(IAnsiConsole console, PaymentOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "challenge", "amount", "base units", "recipient", "expires", "allowed", "why not" })
        {
            table.AddColumn(column);
        }

        foreach (var quote in outcome.Payable)
        {
            table.AddRow(Row(quote, quote.Challenge.Method, quote.Challenge.Intent, ReferenceEquals(quote, outcome.Quote) ? "yes (best)" : "yes", string.Empty));
        }

        foreach (var r in outcome.Rejections)
        {
            table.AddRow(Row(r.Quote, r.Method ?? "?", r.Intent ?? "?", "no", $"{r.Code}: {r.Reason}"));
        }

        console.Write(table);
    }

    private static string[] Row(PaymentQuote? quote, string method, string intent, string allowed, string why) =>
    [
        Markup.Escape($"{method}/{intent}"),
        quote is null ? "-" : Markup.Escape(Words.Money(quote)),
        quote is null ? "-" : Markup.Escape($"{quote.Terms.Amount} {quote.Terms.Currency}"),
        Markup.Escape(quote?.Recipient ?? "-"),
        quote is null ? "-" : Words.Time(quote.ExpiresAt),
        allowed,
        Markup.Escape(why),
    ];
}
