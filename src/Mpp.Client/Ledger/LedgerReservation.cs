namespace Mpp.Client.Ledger;

/// <summary>The result of <see cref="IPaymentLedger.ReserveAsync"/>: a reservation id, or the cap that refused it.</summary>
public sealed class LedgerReservation
{
    private LedgerReservation(Guid id, SpendingLimit? refusedBy, decimal spent)
    {
        Id = id;
        RefusedBy = refusedBy;
        SpentInWindow = spent;
    }

    /// <summary>The reservation id (empty when refused).</summary>
    public Guid Id { get; }

    /// <summary>True when the amount was reserved.</summary>
    public bool Succeeded => RefusedBy is null;

    /// <summary>The cap that would have been exceeded, when refused.</summary>
    public SpendingLimit? RefusedBy { get; }

    /// <summary>What was already counted against <see cref="RefusedBy"/> when refused.</summary>
    public decimal SpentInWindow { get; }

    /// <summary>A successful reservation.</summary>
    public static LedgerReservation Reserved(Guid id) => new(id, null, 0);

    /// <summary>A refusal by <paramref name="limit"/>, which already counted <paramref name="spent"/>.</summary>
    public static LedgerReservation Refused(SpendingLimit limit, decimal spent) => new(Guid.Empty, limit, spent);
}
