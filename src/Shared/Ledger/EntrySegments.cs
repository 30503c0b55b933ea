using System.Globalization;
using System.Text;

namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// The parts of an entry's amount, each counted in the second it was added (the reservation, then any top-up or larger
/// final amount), stored as text in the entry's row: <c>second:amount;second:amount</c>. A decrease takes from the newest
/// parts back, as the in-memory ledger does, so each part leaves the same window buckets it entered.
/// </summary>
internal sealed class EntrySegments
{
    private readonly List<(long Second, decimal Amount)> _parts;

    private EntrySegments(List<(long Second, decimal Amount)> parts) => _parts = parts;

    public IReadOnlyList<(long Second, decimal Amount)> Parts => _parts;

    public decimal Total
    {
        get
        {
            var sum = 0m;
            foreach (var p in _parts)
            {
                sum += p.Amount;
            }

            return sum;
        }
    }

    public static EntrySegments Of(long second, decimal amount) => new([(second, amount)]);

    public static EntrySegments Parse(string? text)
    {
        var parts = new List<(long, decimal)>(1);
        if (!string.IsNullOrEmpty(text))
        {
            foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = part.IndexOf(':', StringComparison.Ordinal);
                parts.Add((long.Parse(part.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture),
                    decimal.Parse(part.AsSpan(colon + 1), NumberStyles.Number, CultureInfo.InvariantCulture)));
            }
        }

        return new EntrySegments(parts);
    }

    /// <summary>
    /// Changes the total to <paramref name="amount"/>: an increase is a new part at <paramref name="second"/>; a decrease
    /// takes from the newest parts back. Returns what changed, per second (positive: added; negative: taken).
    /// </summary>
    public List<(long Second, decimal Delta)> SetTotal(decimal amount, long second)
    {
        var changes = new List<(long, decimal)>(1);
        var delta = amount - Total;
        if (delta > 0)
        {
            _parts.Add((second, delta));
            changes.Add((second, delta));
            return changes;
        }

        for (var i = _parts.Count - 1; i >= 0 && delta < 0; i--)
        {
            var take = Math.Min(_parts[i].Amount, -delta);
            if (take > 0)
            {
                changes.Add((_parts[i].Second, -take));
            }

            _parts[i] = (_parts[i].Second, _parts[i].Amount - take);
            delta += take;
        }

        _parts.RemoveAll(static p => p.Amount == 0);
        return changes;
    }

    /// <summary>What of the amount was added at or after <paramref name="fromSecond"/> (a window's share).</summary>
    public decimal Since(long fromSecond)
    {
        var sum = 0m;
        foreach (var p in _parts)
        {
            if (p.Second >= fromSecond)
            {
                sum += p.Amount;
            }
        }

        return sum;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var p in _parts)
        {
            text.Append(text.Length == 0 ? string.Empty : ";").Append(CultureInfo.InvariantCulture, $"{p.Second}:{p.Amount}");
        }

        return text.ToString();
    }
}
