using Mpp.Client.Protocol;

namespace Mpp.Client.Payments;

/// <summary>What the payee answered to a credential, as an <see cref="IPaymentExchange"/> classifies it.</summary>
public sealed class PaymentExchangeResult
{
    private PaymentExchangeResult(PaymentExchangeStatus status) => Status = status;

    /// <summary>The classification.</summary>
    public PaymentExchangeStatus Status { get; }

    /// <summary>The receipt of an accepted payment, when valid.</summary>
    public PaymentReceipt? Receipt { get; private init; }

    /// <summary>Why a receipt that was sent could not be used, when it could not.</summary>
    public string? ReceiptError { get; private init; }

    /// <summary>True for an accepted payment whose resource was still refused (HTTP 403 after a valid payment).</summary>
    public bool AccessDenied { get; private init; }

    /// <summary>The problem details of a rejection, when any.</summary>
    public PaymentProblem? Problem { get; private init; }

    /// <summary>The challenges the payee offered with a rejection, for a further round.</summary>
    public IReadOnlyList<ChallengeParseResult> FreshChallenges { get; private init; } = [];

    /// <summary>
    /// True when the payee itself proved it did not take the payment (core spec problem types such as
    /// <c>verification-failed</c>, answered by the origin that received the credential).
    /// </summary>
    public bool NotTaken { get; private init; }

    /// <summary>
    /// True when an earlier attempt with this same credential may have reached the payee (a reset, a timeout, a 5xx): a
    /// later "not taken" then proves nothing, because the credential may already have been used.
    /// </summary>
    public bool EarlierAttemptAmbiguous { get; private init; }

    /// <summary>A short, secret-free reason (for unknown outcomes and rejections).</summary>
    public string? Reason { get; private init; }

    /// <summary>The payee accepted the payment.</summary>
    public static PaymentExchangeResult Accepted(PaymentReceipt? receipt, string? receiptError = null, bool accessDenied = false) =>
        new(PaymentExchangeStatus.Accepted) { Receipt = receipt, ReceiptError = receiptError, AccessDenied = accessDenied };

    /// <summary>The payee rejected the credential.</summary>
    public static PaymentExchangeResult Rejected(PaymentProblem? problem, bool notTaken, IReadOnlyList<ChallengeParseResult>? freshChallenges = null, bool earlierAttemptAmbiguous = false, string? reason = null) =>
        new(PaymentExchangeStatus.Rejected)
        {
            Problem = problem,
            NotTaken = notTaken,
            FreshChallenges = freshChallenges ?? [],
            EarlierAttemptAmbiguous = earlierAttemptAmbiguous,
            Reason = reason,
        };

    /// <summary>No definite answer: the payment may have been taken.</summary>
    public static PaymentExchangeResult Unknown(string reason) => new(PaymentExchangeStatus.Unknown) { Reason = reason, EarlierAttemptAmbiguous = true };
}
