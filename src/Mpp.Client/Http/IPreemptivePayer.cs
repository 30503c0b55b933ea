namespace Mpp.Client.Http;

/// <summary>
/// Pays before the first send, with no 402 in between — a session that already holds an open channel attaches a voucher
/// to each request. Asked in registration order for every request that may pay; the first that attaches wins. It counts
/// what it attaches in the same ledger and budget (through <see cref="Policy.SpendingPolicy"/> and
/// <see cref="Ledger.IPaymentLedger"/>), since the handler cannot see what a voucher is worth.
/// </summary>
public interface IPreemptivePayer
{
    /// <summary>Headers this payer writes credentials into: removed on redirects and before a 402 is paid, never logged.</summary>
    IReadOnlyCollection<string> SensitiveHeaders { get; }

    /// <summary>Attaches a credential for this request when the payer can pay it now; returns true when it did.</summary>
    ValueTask<bool> TryAttachAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// Called with the response to a request this payer attached to (before a 402 is handed to the payment flow): read
    /// a receipt, settle or release the voucher.
    /// </summary>
    ValueTask OnResponseAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken);
}
