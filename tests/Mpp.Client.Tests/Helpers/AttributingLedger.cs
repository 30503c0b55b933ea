using System.Collections.Concurrent;
using Mpp.Client.Ledger;

namespace Mpp.Client.Tests.Helpers;

/// <summary>
/// A pass-through <see cref="IPaymentLedger"/> that remembers which logical request each reservation was made for (the
/// <see cref="CurrentTag"/> the caller set before sending; it flows into the handler with the execution context) and how it
/// ended, so a test can compare, request by request, what the ledger kept counted with what the server settled.
/// Every call is forwarded unchanged to the inner ledger, which alone decides.
/// </summary>
internal sealed class AttributingLedger(IPaymentLedger inner) : DelegatingLedger(inner)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>The logical request being sent on this async flow.</summary>
    public static AsyncLocal<string?> CurrentTag { get; } = new();

    public override async ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken)
    {
        var reservation = await Inner.ReserveAsync(charge, limits, cancellationToken);
        if (reservation.Succeeded)
        {
            _entries[reservation.Id] = new Entry(CurrentTag.Value, charge.Unit, charge.Amount);
        }

        return reservation;
    }

    public override async ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken)
    {
        await Inner.CompleteAsync(reservationId, outcome, reference, finalAmount, cancellationToken);
        if (_entries.TryGetValue(reservationId, out var entry))
        {
            entry.Outcome = outcome;
        }
    }

    /// <summary>What the ledger keeps counted in <paramref name="unit"/> per tag: every reservation not released.</summary>
    public IReadOnlyDictionary<string, decimal> CountedByTag(string unit) =>
        _entries.Values
            .Where(e => e.Tag is not null && e.Outcome != LedgerOutcome.Released && string.Equals(e.Unit, unit, StringComparison.Ordinal))
            .GroupBy(e => e.Tag!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Amount), StringComparer.Ordinal);

    private sealed class Entry(string? tag, string unit, decimal amount)
    {
        private int _outcome = -1;

        public string? Tag { get; } = tag;

        public string Unit { get; } = unit;

        public decimal Amount { get; } = amount;

        public LedgerOutcome? Outcome
        {
            get => Volatile.Read(ref _outcome) is var o and >= 0 ? (LedgerOutcome)o : null;
            set => Volatile.Write(ref _outcome, value is { } v ? (int)v : -1);
        }
    }
}
