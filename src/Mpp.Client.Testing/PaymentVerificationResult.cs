using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>What a server-side verifier (<see cref="MppTestServerOptions.Verifiers"/>) decided about a credential's payload.</summary>
public sealed class PaymentVerificationResult
{
    private PaymentVerificationResult(bool succeeded, PaymentProblemType problem, string? detail, string? reference)
    {
        Succeeded = succeeded;
        Problem = problem;
        Detail = detail;
        Reference = reference;
    }

    /// <summary>True when the payment is valid and may be settled.</summary>
    public bool Succeeded { get; }

    /// <summary>The problem type answered when <see cref="Succeeded"/> is false.</summary>
    public PaymentProblemType Problem { get; }

    /// <summary>The problem <c>detail</c> answered when <see cref="Succeeded"/> is false.</summary>
    public string? Detail { get; }

    /// <summary>The receipt <c>reference</c> to use, or <see langword="null"/> for the server's <c>&lt;method&gt;_&lt;n&gt;</c>.</summary>
    public string? Reference { get; }

    /// <summary>The payment is valid.</summary>
    /// <param name="reference">The receipt reference, or <see langword="null"/> for the server's default.</param>
    public static PaymentVerificationResult Success(string? reference = null) => new(true, PaymentProblemType.Unknown, null, reference);

    /// <summary>The payment is refused with a 402 of the given problem type and a fresh challenge.</summary>
    /// <exception cref="ArgumentException"><paramref name="problem"/> is not a 402 problem type a verifier may answer.</exception>
    public static PaymentVerificationResult Failure(PaymentProblemType problem, string detail)
    {
        if (problem is not (PaymentProblemType.VerificationFailed or PaymentProblemType.InvalidPayload
            or PaymentProblemType.PaymentInsufficient or PaymentProblemType.PaymentExpired or PaymentProblemType.PaymentActionRequired))
        {
            throw new ArgumentException($"{problem} is not a 402 problem type a verifier can answer.", nameof(problem));
        }

        return new(false, problem, detail, null);
    }
}
