namespace Mpp.Client.Methods;

/// <summary>
/// A wallet's typed failure: a code, a reason that is safe to show and log (never a key, token or payload), optional
/// details (a provider's error code and request id, a required next action) and whether funds may have moved. The flow
/// copies it onto the <see cref="Http.PaymentOutcome"/>; any other exception from a wallet is reported by type name only.
/// </summary>
public sealed class PaymentMethodException : MppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">Usually <see cref="MppErrorCode.CredentialCreationFailed"/>, or <see cref="MppErrorCode.PaymentActionRequired"/> when the payer must act.</param>
    /// <param name="safeReason">A reason without secrets.</param>
    /// <param name="details">Secret-free details, e.g. <c>stripe.code</c>, <c>stripe.request_id</c>, <c>next_action</c>.</param>
    /// <param name="fundsMayHaveMoved">True when money may have left the wallet: the reservation then stays counted.</param>
    /// <param name="innerException">The cause (kept on the exception only, never copied into outcome text).</param>
    public PaymentMethodException(MppErrorCode code, string safeReason, IReadOnlyDictionary<string, string>? details = null, bool fundsMayHaveMoved = false, Exception? innerException = null)
        : base(code, safeReason, innerException)
    {
        Details = details ?? new Dictionary<string, string>(0);
        FundsMayHaveMoved = fundsMayHaveMoved;
    }

    /// <summary>Secret-free details for the caller.</summary>
    public IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>True when money may have left the wallet.</summary>
    public bool FundsMayHaveMoved { get; }

    /// <summary>
    /// True when the wallet holds proof that no money left, even though it had marked funds as moving
    /// (<see cref="PaymentAttempt.MarkFundsMovingAsync"/>): a Lightning node reporting the payment definitively failed, with
    /// no part in flight. The reservation is then released instead of staying counted as unknown. Never set it on an
    /// ambiguous failure; with <see cref="FundsMayHaveMoved"/> also set, the amount stays counted.
    /// </summary>
    public bool FundsProvenNotMoved { get; init; }
}
