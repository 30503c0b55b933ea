using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// What the payment handler did for a request that met a 402; read it with
/// <see cref="HttpResponseMessagePaymentExtensions.GetPaymentOutcome"/>.
/// </summary>
public sealed class PaymentOutcome
{
    internal PaymentOutcome(PaymentStatus status, MppErrorCode? code, string? reason, PaymentQuote? quote, PaymentReceipt? receipt, PaymentProblem? problem, IReadOnlyList<ChallengeRejection> rejections, int rounds)
    {
        Status = status;
        Code = code;
        Reason = reason;
        Quote = quote;
        Receipt = receipt;
        Problem = problem;
        Rejections = rejections;
        Rounds = rounds;
    }

    /// <summary>How it ended.</summary>
    public PaymentStatus Status { get; }

    /// <summary>The error code when not paid.</summary>
    public MppErrorCode? Code { get; }

    /// <summary>A human-readable reason when not paid (no secrets).</summary>
    public string? Reason { get; }

    /// <summary>The quote that was paid, attempted or quoted.</summary>
    public PaymentQuote? Quote { get; }

    /// <summary>The parsed receipt of a paid response, when the server sent a valid one.</summary>
    public PaymentReceipt? Receipt { get; }

    /// <summary>The problem details of the last error response, when any.</summary>
    public PaymentProblem? Problem { get; }

    /// <summary>Every challenge passed over, with why.</summary>
    public IReadOnlyList<ChallengeRejection> Rejections { get; }

    /// <summary>How many credentials were sent.</summary>
    public int Rounds { get; }

    /// <inheritdoc />
    public override string ToString() => Reason is null ? $"{Status} {Quote}" : $"{Status} ({Code}): {Reason}";
}
