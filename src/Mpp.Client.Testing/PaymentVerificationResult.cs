using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>What an <see cref="ITestPaymentVerifier"/> decided about a credential.</summary>
public sealed class PaymentVerificationResult
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoExtra = new Dictionary<string, JsonElement>();

    /// <summary>The receipt members the server writes itself, which <see cref="ReceiptExtra"/> cannot set.</summary>
    private static readonly string[] StandardReceiptMembers = ["status", "method", "timestamp", "reference", "externalId", "challengeId"];

    private PaymentVerificationResult(
        bool succeeded,
        PaymentProblemType problem,
        string? detail,
        string? reference,
        IReadOnlyDictionary<string, JsonElement> receiptExtra,
        bool consumeChallenge)
    {
        Succeeded = succeeded;
        Problem = problem;
        Detail = detail;
        Reference = reference;
        ReceiptExtra = receiptExtra;
        ConsumeChallenge = consumeChallenge;
    }

    /// <summary>True when the payment is valid and may be settled.</summary>
    public bool Succeeded { get; }

    /// <summary>The problem type answered when <see cref="Succeeded"/> is false.</summary>
    public PaymentProblemType Problem { get; }

    /// <summary>The problem <c>detail</c> answered when <see cref="Succeeded"/> is false.</summary>
    public string? Detail { get; }

    /// <summary>The receipt <c>reference</c> to use, or <see langword="null"/> for the server's <c>&lt;method&gt;_&lt;n&gt;</c>.</summary>
    public string? Reference { get; }

    /// <summary>Members added to the <c>Payment-Receipt</c> beside the standard ones (empty when none).</summary>
    public IReadOnlyDictionary<string, JsonElement> ReceiptExtra { get; }

    /// <summary>
    /// True (the default) when the challenge is used up by this payment; false when the same challenge id may pay again
    /// (e.g. the vouchers of a session).
    /// </summary>
    public bool ConsumeChallenge { get; }

    /// <summary>The payment is valid.</summary>
    /// <param name="reference">The receipt reference, or <see langword="null"/> for the server's default.</param>
    /// <param name="receiptExtra">
    /// Members to add to the receipt (e.g. <c>channelId</c>, <c>spent</c>), or <see langword="null"/>; they are copied.
    /// They cannot replace the members the server writes (<c>status</c>, <c>method</c>, <c>timestamp</c>,
    /// <c>reference</c>, <c>externalId</c>, <c>challengeId</c>).
    /// </param>
    /// <param name="consumeChallenge">
    /// True (the default) to use the challenge up, so that it cannot pay again; false to let the same challenge id be
    /// accepted again (a challenge already used up by an earlier payment is still refused).
    /// </param>
    /// <exception cref="ArgumentException">
    /// <paramref name="reference"/> is empty, or <paramref name="receiptExtra"/> names a standard member or holds an undefined value.
    /// </exception>
    public static PaymentVerificationResult Success(
        string? reference = null,
        IReadOnlyDictionary<string, JsonElement>? receiptExtra = null,
        bool consumeChallenge = true)
    {
        if (reference is { Length: 0 })
        {
            throw new ArgumentException("A receipt reference cannot be empty; pass null for the server's default.", nameof(reference));
        }

        return new(true, PaymentProblemType.Unknown, null, reference, CopyExtra(receiptExtra), consumeChallenge);
    }

    /// <summary>The payment is refused with a 402 of the given problem type and a fresh challenge.</summary>
    /// <param name="problem">
    /// <see cref="PaymentProblemType.VerificationFailed"/>, <see cref="PaymentProblemType.InvalidPayload"/>,
    /// <see cref="PaymentProblemType.PaymentInsufficient"/>, <see cref="PaymentProblemType.PaymentExpired"/> or
    /// <see cref="PaymentProblemType.PaymentActionRequired"/>.
    /// </param>
    /// <param name="detail">The problem <c>detail</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="problem"/> is not a 402 problem type a verifier may answer.</exception>
    public static PaymentVerificationResult Failure(PaymentProblemType problem, string detail)
    {
        if (problem is not (PaymentProblemType.VerificationFailed or PaymentProblemType.InvalidPayload
            or PaymentProblemType.PaymentInsufficient or PaymentProblemType.PaymentExpired or PaymentProblemType.PaymentActionRequired))
        {
            throw new ArgumentException($"{problem} is not a 402 problem type a verifier can answer.", nameof(problem));
        }

        return new(false, problem, detail, null, NoExtra, consumeChallenge: true);
    }

    private static IReadOnlyDictionary<string, JsonElement> CopyExtra(IReadOnlyDictionary<string, JsonElement>? receiptExtra)
    {
        if (receiptExtra is null || receiptExtra.Count == 0)
        {
            return NoExtra;
        }

        var copy = new Dictionary<string, JsonElement>(receiptExtra.Count, StringComparer.Ordinal);
        foreach (var (name, value) in receiptExtra)
        {
            if (StandardReceiptMembers.Contains(name))
            {
                throw new ArgumentException($"The receipt member '{name}' is written by the server and cannot be set by a verifier.", nameof(receiptExtra));
            }

            if (value.ValueKind == JsonValueKind.Undefined)
            {
                throw new ArgumentException($"The receipt member '{name}' has no value.", nameof(receiptExtra));
            }

            copy[name] = value.Clone();
        }

        return copy;
    }
}
