namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// The series a charge counts in, as stored keys: every payment (<c>""</c>), its host (<c>=host</c>), and each scope a
/// limit in its unit names (<c>=*.example.com</c>, <c>=client:a</c>), once each and sorted, so that locks are always taken
/// in the same order. A limit scope and a host with the same name share a series, as in the in-memory ledger.
/// </summary>
internal static class SeriesKeys
{
    public const char Separator = '\u001f';

    public static string Of(string? scope) => scope is null ? string.Empty : "=" + scope;

    public static List<string> For(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits)
    {
        var keys = new List<string>(4) { string.Empty, Of(charge.Host) };
        foreach (var limit in limits)
        {
            if (limit.Scope is not null && string.Equals(limit.Unit, charge.Unit, StringComparison.Ordinal))
            {
                keys.Add(Of(limit.Scope));
            }
        }

        return Sorted(keys);
    }

    /// <summary><paramref name="keys"/> with those of <paramref name="limits"/> in <paramref name="unit"/>, sorted.</summary>
    public static List<string> With(IEnumerable<string> keys, string unit, IReadOnlyList<SpendingLimit> limits)
    {
        var all = new List<string>(keys);
        foreach (var limit in limits)
        {
            if (string.Equals(limit.Unit, unit, StringComparison.Ordinal))
            {
                all.Add(Of(limit.Scope));
            }
        }

        return Sorted(all);
    }

    public static string Join(IReadOnlyList<string> keys) => string.Join(Separator, keys);

    public static string[] Split(string text) => text.Split(Separator);

    private static List<string> Sorted(List<string> keys)
    {
        keys.Sort(StringComparer.Ordinal);
        for (var i = keys.Count - 1; i > 0; i--)
        {
            if (string.Equals(keys[i], keys[i - 1], StringComparison.Ordinal))
            {
                keys.RemoveAt(i);
            }
        }

        return keys;
    }
}
