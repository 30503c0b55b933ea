using System.Runtime.CompilerServices;
using System.Text;
using Mpp.Client.Methods;

namespace Mpp.Client.Ledger.Sql;

/// <summary>Listing entries and reading usage.</summary>
internal sealed partial class SqlLedger
{
    public async IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await ReadyAsync(ct).ConfigureAwait(false);
        await Guard(async () =>
        {
            await MaintainAsync(ct).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        foreach (var entry in await Guard(() => ListCoreAsync(query, ct)).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    public async ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(unit);
        await ReadyAsync(ct).ConfigureAwait(false);
        return await Guard(async () =>
        {
            await MaintainAsync(ct).ConfigureAwait(false);
            var second = _time.GetUtcNow().ToUnixTimeSeconds();
            var key = SeriesKeys.Of(scope);
            var s = await _store.BeginAsync(write: false, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            var total = await TotalAsync(s, key, unit, window, second, ct).ConfigureAwait(false);
            var from = window is { } w ? second - WindowSeconds(w) : long.MinValue;
            var locked = 0m;
            var reader = await s.ReadAsync("SELECT scopes, segments FROM mpp_ledger_entries WHERE state < 3 AND unit = @p0 AND state IN (@p1, @p2, @p3)",
                ct, unit, Reserved, Sent, Unknown).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    if (Array.IndexOf(SeriesKeys.Split(reader.GetString(0)), key) >= 0)
                    {
                        locked += EntrySegments.Parse(reader.GetString(1)).Since(from);
                    }
                }
            }

            return new LedgerUsage(locked, total - locked);
        }).ConfigureAwait(false);
    }

    private async Task<List<LedgerEntry>> ListCoreAsync(LedgerQuery query, CancellationToken ct)
    {
        var sql = new StringBuilder($"SELECT {EntryColumns} FROM mpp_ledger_entries WHERE 1 = 1");
        var values = new List<object?>();
        if (query.States is { } states)
        {
            sql.Append(" AND state IN (");
            var first = true;
            foreach (var state in states)
            {
                sql.Append(first ? string.Empty : ", ").Append("@p").Append(values.Count);
                values.Add((int)state);
                first = false;
            }

            if (first)
            {
                return [];
            }

            sql.Append(')');
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND created_ms >= @p").Append(values.Count);
            values.Add(since.ToUnixTimeMilliseconds());
        }

        if (query.Method is { } method)
        {
            sql.Append(" AND method = @p").Append(values.Count);
            values.Add(method);
        }

        sql.Append(" ORDER BY created_ms DESC, ").Append(_store.InsertionOrder).Append(" DESC");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT @p").Append(values.Count);
            values.Add((long)Math.Max(0, limit));
        }

        var list = new List<LedgerEntry>();
        var s = await _store.BeginAsync(write: false, ct).ConfigureAwait(false);
        await using var session = s.ConfigureAwait(false);
        var reader = await s.ReadAsync(sql.ToString(), ct, [.. values]).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var charge = new LedgerCharge(reader.GetString(1), _store.ReadAmount(reader, 18), reader.GetString(2))
                {
                    Id = reader.GetGuid(0),
                    Description = NullableString(reader, 10),
                    Method = NullableString(reader, 11),
                    Intent = NullableString(reader, 12),
                    ChallengeId = NullableString(reader, 13),
                    Kind = (PaymentKind)reader.GetInt32(14),
                    ParentId = reader.IsDBNull(15) ? null : reader.GetGuid(15),
                };
                list.Add(new LedgerEntry(charge, (LedgerEntryState)reader.GetInt32(4), _store.ReadAmount(reader, 3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)))
                {
                    UpdatedAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                    WalletReference = NullableString(reader, 8),
                    Reference = NullableString(reader, 9),
                });
            }
        }

        return list;
    }

    private static string? NullableString(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
