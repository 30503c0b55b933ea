using Mpp.Client.Http;
using Mpp.Client.Policy;

namespace Mpp.Cli.Output;

/// <summary>The one-line payment summary on stderr: what was paid, how, the receipt, and what is left of the tightest cap.</summary>
internal static class Summary
{
    public static string Of(PaymentOutcome outcome, IReadOnlyList<BudgetStatus> budget) => outcome.Status switch
    {
        PaymentStatus.Paid => $"mpp: paid {Words.Money(outcome.Quote!)} with {outcome.Quote!.Method}/{outcome.Quote.Intent}"
            + (outcome.Receipt is { } r ? $" · receipt {r.Reference}" : " · no receipt")
            + Left(outcome, budget),
        PaymentStatus.Quoted => $"mpp: quote only, nothing paid (best: {Words.Money(outcome.Quote!)} with {outcome.Quote!.Method}/{outcome.Quote.Intent})",
        PaymentStatus.Unknown => $"mpp: payment outcome unknown, money may have moved ({outcome.Code}): {outcome.Reason} — see mpp pending",
        PaymentStatus.Rejected => $"mpp: payment rejected ({outcome.Code}): {outcome.Reason}",
        _ => $"mpp: not paid ({outcome.Code}): {outcome.Reason}",
    };

    private static string Left(PaymentOutcome outcome, IReadOnlyList<BudgetStatus> budget)
    {
        var tightest = budget.Where(b => b.Unit == outcome.Quote!.Unit).OrderBy(b => b.Remaining).FirstOrDefault();
        return tightest is null ? string.Empty : $" · {Words.Amount(tightest.Remaining)} {tightest.Unit} left ({tightest.Name}, {Words.Window(tightest.Window)})";
    }
}
