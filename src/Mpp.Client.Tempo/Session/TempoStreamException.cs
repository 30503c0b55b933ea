using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A metered stream failed for a payment reason: the server sent a <c>payment-error</c> event
/// (draft-payment-transport-sse-00 § "payment-error Event"), or a voucher it asked for was refused. Secret-free.
/// </summary>
public sealed class TempoStreamException : MppException
{
    /// <summary>Creates the exception.</summary>
    public TempoStreamException(MppErrorCode code, string message, PaymentProblem? problem = null, Exception? innerException = null)
        : base(code, message, innerException) => Problem = problem;

    /// <summary>The server's problem details, when it sent them.</summary>
    public PaymentProblem? Problem { get; }
}
