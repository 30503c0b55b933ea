namespace Mpp.Client.Http;

/// <summary>
/// A request that met a 402 could not be paid, or its payment failed. Thrown when
/// <see cref="Policy.MppOptions.ThrowOnPaymentFailure"/> is set, and always for a body that cannot be replayed.
/// </summary>
public sealed class PaymentException : MppException
{
    /// <summary>Creates the exception.</summary>
    public PaymentException(MppErrorCode code, string message, PaymentOutcome? outcome = null, Exception? innerException = null)
        : base(code, message, innerException) => Outcome = outcome;

    /// <summary>What the handler did, when it got that far.</summary>
    public PaymentOutcome? Outcome { get; }
}
