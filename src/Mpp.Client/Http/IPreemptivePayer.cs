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

    /// <summary>
    /// Asked after <see cref="OnResponseAsync"/>: true when the response proves the attached credential's basis is gone (a
    /// session channel the server no longer has, HTTP 410) and the request should be sent once more without it, so that
    /// a 402 can be paid afresh. The handler resends at most once per request, never attaching again. Default: false.
    /// </summary>
    bool ShouldResendWithout(HttpRequestMessage request, HttpResponseMessage response) => false;

    /// <summary>
    /// Asked after <see cref="OnResponseAsync"/> for a response that is not a 402: the outcome of the payment this payer
    /// attached (paid with its receipt), so that <c>GetPaymentOutcome()</c> and <c>GetPaymentReceipt()</c> show it as for
    /// a payment made after a 402. Default: null (no outcome recorded).
    /// </summary>
    PaymentOutcome? GetOutcome(HttpRequestMessage request, HttpResponseMessage response) => null;
}
