using System.Globalization;
namespace Mpp.Client.Ledger;

/// <summary>One ledger entry as <see cref="IPaymentLedger.ListAsync"/> reports it.</summary>
public sealed class LedgerEntry
{
    /// <summary>Creates an entry.</summary>
    public LedgerEntry(LedgerCharge charge, LedgerEntryState state, decimal amount, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(charge);
        Charge = charge;
        State = state;
        Amount = amount;
        CreatedAt = createdAt;
    }

    /// <summary>The reservation id.</summary>
    public Guid Id => Charge.Id;

    /// <summary>What was reserved.</summary>
    public LedgerCharge Charge { get; }

    /// <summary>Where the entry is in its life.</summary>
    public LedgerEntryState State { get; }

    /// <summary>The amount counted now (after adjustments and a final amount), in <see cref="LedgerCharge.Unit"/>.</summary>
    public decimal Amount { get; }

    /// <summary>When it was reserved.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When it last changed, if it did.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The wallet's reference (transaction hash, payment hash), when recorded.</summary>
    public string? WalletReference { get; init; }

    /// <summary>The server's receipt reference, when settled with one.</summary>
    public string? Reference { get; init; }

    /// <summary>True for <see cref="LedgerEntryState.Settled"/> and <see cref="LedgerEntryState.Released"/>.</summary>
    public bool IsFinal => State is LedgerEntryState.Settled or LedgerEntryState.Released;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id:N} {State} {Amount} {Charge.Unit} {Charge.Host}");
}
