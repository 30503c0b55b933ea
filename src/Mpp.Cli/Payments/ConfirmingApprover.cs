using Mpp.Cli.Configuration;
using Mpp.Cli.Output;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Spectre.Console;

namespace Mpp.Cli.Payments;

/// <summary>
/// <c>--confirm-above</c>: a payment above the threshold (amount plus the most the fee can be) is asked about on the
/// terminal before anything is signed; without a terminal it is refused. A payment in another unit than the threshold's
/// cannot be compared, so it is asked about too.
/// </summary>
internal sealed class ConfirmingApprover(MoneyAmount threshold, IAnsiConsole? terminal) : IPaymentApprover
{
    private readonly SemaphoreSlim _prompt = new(1, 1);

    public async ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
    {
        if (string.Equals(quote.Unit, threshold.Unit, StringComparison.Ordinal) && quote.DisplayTotal <= threshold.Amount)
        {
            return ApprovalDecision.Approve();
        }

        if (terminal is null)
        {
            return ApprovalDecision.Deny($"{Words.Money(quote)} is above --confirm-above {threshold} and there is no terminal to confirm on.");
        }

        await _prompt.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var question = $"Pay [bold]{Markup.Escape(Words.Money(quote))}[/] to {Markup.Escape(quote.Origin)} with {Markup.Escape(quote.Method)}/{Markup.Escape(quote.Intent)}?";
            var yes = await terminal.ConfirmAsync(question, defaultValue: false, cancellationToken).ConfigureAwait(false);
            return yes ? ApprovalDecision.Approve() : ApprovalDecision.Deny($"{Words.Money(quote)} was not confirmed on the terminal.");
        }
        finally
        {
            _prompt.Release();
        }
    }
}
