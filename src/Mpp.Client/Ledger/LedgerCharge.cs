using Mpp.Client.Methods;

namespace Mpp.Client.Ledger;

/// <summary>
/// An amount to reserve: how much, in which unit, for which host, and what it is for. The <see cref="Id"/> is chosen by
/// the caller, so a retried <see cref="IPaymentLedger.ReserveAsync"/> with the same id never counts twice.
/// </summary>
public sealed class LedgerCharge
{
    /// <summary>Creates a charge with a new id.</summary>
    /// <param name="unit">The budget unit, lowercase.</param>
    /// <param name="amount">The amount in <paramref name="unit"/> (non-negative), fee included.</param>
    /// <param name="host">The host being paid, lowercase.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is negative.</exception>
    public LedgerCharge(string unit, decimal amount, string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(unit);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Unit = unit;
        Amount = amount;
        Host = host;
    }

    /// <summary>The reservation id: the same id reserves once.</summary>
    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>The budget unit, lowercase.</summary>
    public string Unit { get; }

    /// <summary>The amount in <see cref="Unit"/>, fee included.</summary>
    public decimal Amount { get; }

    /// <summary>The host being paid, lowercase.</summary>
    public string Host { get; }

    /// <summary>A short human description (method/intent, origin); never a secret.</summary>
    public string? Description { get; init; }

    /// <summary>The payment method, when known (used to find a reconciler).</summary>
    public string? Method { get; init; }

    /// <summary>The intent, when known.</summary>
    public string? Intent { get; init; }

    /// <summary>The challenge id paid, when known.</summary>
    public string? ChallengeId { get; init; }

    /// <summary>A charge or a deposit.</summary>
    public PaymentKind Kind { get; init; }

    /// <summary>The entry this one belongs to (a session voucher under its deposit), if any.</summary>
    public Guid? ParentId { get; init; }
}
