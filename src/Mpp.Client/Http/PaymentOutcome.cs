using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// What the payment flow did for a request that met a 402; read it with
/// <see cref="HttpResponseMessagePaymentExtensions.GetPaymentOutcome"/> (HTTP) or from
/// <see cref="Payments.PaymentCoordinator.PayAsync"/> (any transport).
/// </summary>
/// <remarks>
/// It is null only when the handler did not act: no 402, <see cref="PaymentMode.Disabled"/>, or an outer handler left it to
/// an inner one.
/// </remarks>
public sealed class PaymentOutcome
{
    /// <summary>Creates an outcome (for transports built on the coordinator, and for tests).</summary>
    public PaymentOutcome(PaymentStatus status) => Status = status;

    /// <summary>How it ended.</summary>
    public PaymentStatus Status { get; }

    /// <summary>The error code when not paid (or paid with an unknown outcome).</summary>
    public MppErrorCode? Code { get; init; }

    /// <summary>A human-readable reason when not paid (no secrets).</summary>
    public string? Reason { get; init; }

    /// <summary>The quote that was paid, attempted or quoted.</summary>
    public PaymentQuote? Quote { get; init; }

    /// <summary>The parsed receipt of a paid response, when the server sent a valid one.</summary>
    public PaymentReceipt? Receipt { get; init; }

    /// <summary>Why a receipt the server sent could not be used (present but unparseable), or null (none sent, or valid).</summary>
    public string? ReceiptError { get; init; }

    /// <summary>The wallet's typed failure, when a payment method failed (secret-free by contract).</summary>
    public PaymentMethodException? MethodError { get; init; }

    /// <summary>The problem details of the last error response, when any.</summary>
    public PaymentProblem? Problem { get; init; }

    /// <summary>
    /// For <see cref="PaymentStatus.Quoted"/>: every challenge that could be paid now, best first (<see cref="Quote"/> is
    /// the first); empty otherwise.
    /// </summary>
    public IReadOnlyList<PaymentQuote> Payable { get; init; } = [];

    /// <summary>Every challenge passed over, with why.</summary>
    public IReadOnlyList<ChallengeRejection> Rejections { get; init; } = [];

    /// <summary>
    /// The ledger entry of the payment that was paid, when one was: a deposit stays open under this id until the rail that
    /// holds the session completes it with what was spent.
    /// </summary>
    public Guid? LedgerEntryId { get; init; }

    /// <summary>How many credentials were sent.</summary>
    public int Rounds { get; init; }

    /// <summary>The exception behind a wallet failure, kept as the inner exception of a <see cref="PaymentException"/> only (never in text).</summary>
    internal Exception? Cause { get; init; }

    /// <summary>True when money may have moved: paid, or sent (or moving) with an unknown outcome.</summary>
    public bool MoneyMayHaveMoved => Status is PaymentStatus.Paid or PaymentStatus.Unknown;

    /// <inheritdoc />
    public override string ToString() => Reason is null ? $"{Status} {Quote}" : $"{Status} ({Code}): {Reason}";
}
