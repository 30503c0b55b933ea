using Mpp.Client.Methods;

namespace Mpp.Client.Policy;

/// <summary>
/// A hook that approves or vetoes payments before any credential exists: a human in the loop, a second budget system,
/// an allow-list service. Called after the budget is reserved, so concurrent payments cannot overshoot a cap while it waits.
/// </summary>
public interface IPaymentApprover
{
    /// <summary>Returns <see langword="true"/> to pay, <see langword="false"/> to refuse.</summary>
    ValueTask<bool> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken);
}
