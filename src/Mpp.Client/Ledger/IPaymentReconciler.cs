namespace Mpp.Client.Ledger;

/// <summary>
/// Looks up a payment whose outcome is unknown (a Tempo transaction hash, a Lightning payment hash) so that the ledger can
/// settle or release it. Register one per method (<c>MppBuilder.AddReconciler</c>); <see cref="PaymentReconciliation"/> calls it.
/// </summary>
public interface IPaymentReconciler
{
    /// <summary>The payment method whose entries this reconciler can look up.</summary>
    string Method { get; }

    /// <summary>
    /// Returns <see cref="LedgerOutcome.Settled"/> when the payment was taken, <see cref="LedgerOutcome.Released"/> only
    /// when it provably never can be, or <see langword="null"/> when it cannot tell yet.
    /// </summary>
    ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken);
}
