using Mpp.Client.Methods;

namespace Mpp.Client.Policy;

/// <summary>
/// A hook that approves or vetoes payments before any credential exists: a human in the loop, a second budget system,
/// an allow-list service. Called after the budget is reserved, so concurrent payments cannot overshoot a cap while it
/// waits. An approver that throws is treated as a denial (<see cref="MppErrorCode.ExtensionFailed"/>).
/// </summary>
public interface IPaymentApprover
{
    /// <summary>Approves the quote, or denies it with a reason.</summary>
    ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken);
}
