namespace Mpp.Client.Ledger;

/// <summary>Which entries <see cref="IPaymentLedger.ListAsync"/> returns.</summary>
public sealed class LedgerQuery
{
    /// <summary>Entries not yet final: reserved, sent or unknown (the ones to reconcile after a restart).</summary>
    public static LedgerQuery Pending { get; } = new() { States = [LedgerEntryState.Reserved, LedgerEntryState.Sent, LedgerEntryState.Unknown] };

    /// <summary>Only entries in these states; null for all.</summary>
    public IReadOnlyCollection<LedgerEntryState>? States { get; init; }

    /// <summary>Only entries created at or after this time; null for all.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only entries of this payment method; null for all.</summary>
    public string? Method { get; init; }

    /// <summary>At most this many entries (newest first); null for no limit.</summary>
    public int? Limit { get; init; }

    /// <summary>True when <paramref name="entry"/> passes every filter but <see cref="Limit"/>.</summary>
    public bool Matches(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (States is null || States.Contains(entry.State))
            && (Since is null || entry.CreatedAt >= Since)
            && (Method is null || string.Equals(Method, entry.Charge.Method, StringComparison.Ordinal));
    }
}
