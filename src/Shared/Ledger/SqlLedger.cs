using Microsoft.Extensions.Logging;

namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// The durable ledger's rules in SQL, shared by the SQLite and PostgreSQL stores (<see cref="SqlStore"/> holds what
/// differs). Tables: <c>mpp_ledger_entries</c> (one row per reservation), <c>mpp_ledger_buckets</c> (per scope, unit and
/// second: what rolling windows sum; second -1 holds the series' lifetime total and is the row a reserve locks), and
/// <c>mpp_ledger_windows</c> (the window lengths in use, so compaction keeps what they need); <c>mpp_wallet_state</c> holds wallets' own state (SqlLedger.State.cs).
/// </summary>
internal sealed partial class SqlLedger : IAsyncDisposable
{
    private const int Reserved = (int)LedgerEntryState.Reserved;
    private const int Sent = (int)LedgerEntryState.Sent;
    private const int Unknown = (int)LedgerEntryState.Unknown;
    private const int Settled = (int)LedgerEntryState.Settled;
    private const int Released = (int)LedgerEntryState.Released;

    /// <summary>The bucket "second" that holds a series' lifetime total (and is the row a reserve locks).</summary>
    private const int LifetimeSecond = -1;

    private const string EntryColumns =
        "id, unit, host, amount, state, created_ms, updated_ms, lease_ms, wallet_reference, reference, description, method, intent, challenge_id, kind, parent_id, scopes, segments, charge_amount";

    private readonly SqlStore _store;
    private readonly TimeProvider _time;
    private readonly SqlLedgerSettings _settings;
    private readonly ILogger _logger;
    private readonly LedgerMetrics _metrics;
    private readonly Lock _initGate = new();
    private readonly HashSet<long> _windowsRecorded = [];
    private readonly Dictionary<int, string> _addStatements = [];
    private Task? _init;
    private long _lastSweepSecond = long.MinValue;
    private long _nextCompactionSecond = long.MinValue;

    public SqlLedger(SqlStore store, SqlLedgerSettings settings, TimeProvider time, ILogger logger, LedgerMetrics metrics)
    {
        _store = store;
        _settings = settings;
        _time = time;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Entries found sent or unknown when the store was opened.</summary>
    public IReadOnlyList<LedgerEntry> PendingAtStart { get; private set; } = [];

    public async ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken ct)
    {
        await ReadyAsync(ct).ConfigureAwait(false);
        if (await WriteAsync(new PendingUpdate(reservationId, Sent, walletReference)).ConfigureAwait(false) is true)
        {
            throw new LedgerStoreException(MppErrorCode.ReservationExpired,
                $"The ledger reservation {reservationId:N} was released before its credential was sent (its lease ran out, or it was resolved); the credential must not be sent.");
        }
    }

    public async ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken ct)
    {
        if (finalAmount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(finalAmount), "A final amount cannot be negative.");
        }

        await ReadyAsync(ct).ConfigureAwait(false);
        if (outcome == LedgerOutcome.Unknown || (outcome == LedgerOutcome.Settled && finalAmount is null))
        {
            // No amount changes: one statement, combined with the other writes in flight.
            await WriteAsync(new PendingUpdate(reservationId, outcome == LedgerOutcome.Unknown ? Unknown : Settled, reference)).ConfigureAwait(false);
            return;
        }

        await Guard(async () =>
        {
            var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            await SetFinalAsync(s, reservationId, outcome == LedgerOutcome.Released ? Released : Settled, outcome == LedgerOutcome.Released ? 0 : finalAmount!.Value,
                reference, ct).ConfigureAwait(false);
            await s.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(newAmount);
        await ReadyAsync(ct).ConfigureAwait(false);
        var result = await Guard<LedgerReservation?>(async () =>
        {
            var second = _time.GetUtcNow().ToUnixTimeSeconds();
            var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            if (await ReadOpenAsync(s, reservationId, limits, ct).ConfigureAwait(false) is not { } entry)
            {
                return null;
            }
            var delta = newAmount - entry.Segments.Total;
            if (delta > 0 && await CheckAsync(s, entry.Unit, delta, limits, second, ct).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            await RecordWindowsAsync(s, entry.Unit, limits, ct).ConfigureAwait(false);
            await ApplyAsync(s, entry, newAmount, second, ct).ConfigureAwait(false);
            await s.ExecuteAsync("UPDATE mpp_ledger_entries SET amount = @p1, segments = @p2, updated_ms = @p3 WHERE id = @p0",
                ct, reservationId, _store.Amount(newAmount), entry.Segments.ToString(), _time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
            await s.CommitAsync(ct).ConfigureAwait(false);
            return LedgerReservation.Reserved(reservationId);
        }).ConfigureAwait(false);
        return result ?? throw new InvalidOperationException($"There is no pending ledger reservation {reservationId:N}.");
    }

    /// <summary>Settles at a new amount or releases (amount 0) an open entry, in the session's transaction.</summary>
    private async ValueTask SetFinalAsync(SqlSession s, Guid id, int state, decimal amount, string? reference, CancellationToken ct)
    {
        if (await ReadOpenAsync(s, id, lockFirst: null, ct).ConfigureAwait(false) is not { } entry)
        {
            return; // unknown or already final
        }
        await ApplyAsync(s, entry, amount, _time.GetUtcNow().ToUnixTimeSeconds(), ct).ConfigureAwait(false);
        await s.ExecuteAsync(
            "UPDATE mpp_ledger_entries SET state = @p1, amount = @p2, segments = @p3, reference = COALESCE(@p4, reference), updated_ms = @p5 WHERE id = @p0",
            ct, id, state, _store.Amount(amount), entry.Segments.ToString(), reference, _time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
    }

    /// <summary>Moves the entry's amount to <paramref name="amount"/> in every series it counts in (increases at <paramref name="second"/>).</summary>
    private async ValueTask ApplyAsync(SqlSession s, OpenEntry entry, decimal amount, long second, CancellationToken ct)
    {
        var keys = _store.ScopeList(entry.Keys);
        foreach (var (at, delta) in entry.Segments.SetTotal(amount, second))
        {
            if (delta > 0)
            {
                await AddAsync(s, entry.Keys, entry.Unit, at, delta, ct).ConfigureAwait(false);
                continue;
            }

            // A bucket already compacted away is outside every window: only the lifetime total changes then.
            await s.ExecuteAsync(
                $"UPDATE mpp_ledger_buckets SET amount = {_store.Add("amount", "@p3")} WHERE scope IN (SELECT value FROM {_store.ScopeRows("@p0")}) AND unit = @p1 AND second IN (@p2, {LifetimeSecond})",
                ct, keys, entry.Unit, at, _store.Amount(delta)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds <paramref name="amount"/> to the bucket of <paramref name="second"/> and to the lifetime total of every series in
    /// <paramref name="keys"/>: one statement, whatever the number of scopes.
    /// </summary>
    private async ValueTask AddAsync(SqlSession s, IReadOnlyList<string> keys, string unit, long second, decimal amount, CancellationToken ct)
    {
        // Rows (key, unit, second, amount) and (key, unit, -1, amount) per key, as a VALUES list (its text cached per key count).
        var values = new object?[3 + keys.Count];
        (values[0], values[1], values[2]) = (unit, second, _store.Amount(amount));
        for (var i = 0; i < keys.Count; i++)
        {
            values[3 + i] = keys[i];
        }

        await s.ExecuteAsync(AddStatement(keys.Count), ct, values).ConfigureAwait(false);
    }

    private string AddStatement(int keyCount)
    {
        lock (_addStatements)
        {
            if (!_addStatements.TryGetValue(keyCount, out var sql))
            {
                var rows = new System.Text.StringBuilder();
                for (var i = 0; i < keyCount; i++)
                {
                    rows.Append(i == 0 ? string.Empty : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@p{3 + i}, @p0, @p1, @p2), (@p{3 + i}, @p0, {LifetimeSecond}, @p2)");
                }

                sql = $"INSERT INTO mpp_ledger_buckets (scope, unit, second, amount) VALUES {rows} ON CONFLICT (scope, unit, second) DO UPDATE SET amount = {_store.Add("mpp_ledger_buckets.amount", "excluded.amount")}";
                _addStatements[keyCount] = sql;
            }

            return sql;
        }
    }

    /// <summary>The first limit (in order) that <paramref name="amount"/> more would exceed, as a refusal; null when all allow it.</summary>
    private async ValueTask<LedgerReservation?> CheckAsync(SqlSession s, string unit, decimal amount, IReadOnlyList<SpendingLimit> limits, long second, CancellationToken ct)
    {
        foreach (var limit in limits)
        {
            if (!string.Equals(limit.Unit, unit, StringComparison.Ordinal))
            {
                continue;
            }

            var spent = await TotalAsync(s, SeriesKeys.Of(limit.Scope), unit, limit.Window, second, ct).ConfigureAwait(false);
            if (spent + amount > limit.Cap)
            {
                return LedgerReservation.Refused(limit, spent);
            }
        }

        return null;
    }

    /// <summary>Everything counted in a series over a window (bucket seconds s with s + window ≥ now), or its lifetime.</summary>
    private async ValueTask<decimal> TotalAsync(SqlSession s, string key, string unit, TimeSpan? window, long second, CancellationToken ct)
    {
        object? value = window is { } w
            ? await s.ScalarAsync($"SELECT {_store.Sum("amount")} FROM mpp_ledger_buckets WHERE scope = @p0 AND unit = @p1 AND second >= @p2",
                ct, key, unit, second - WindowSeconds(w)).ConfigureAwait(false)
            : await s.ScalarAsync($"SELECT amount FROM mpp_ledger_buckets WHERE scope = @p0 AND unit = @p1 AND second = {LifetimeSecond}", ct, key, unit).ConfigureAwait(false);
        return value switch
        {
            null => 0m,
            decimal d => d,
            string text => decimal.Parse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Records the window lengths in use (once per process each), so compaction never drops what a window sums.</summary>
    private async ValueTask RecordWindowsAsync(SqlSession s, string unit, IReadOnlyList<SpendingLimit> limits, CancellationToken ct)
    {
        foreach (var limit in limits)
        {
            if (limit.Window is { } w && string.Equals(limit.Unit, unit, StringComparison.Ordinal))
            {
                var seconds = WindowSeconds(w);
                bool known;
                lock (_windowsRecorded)
                {
                    known = _windowsRecorded.Contains(seconds);
                }

                if (!known)
                {
                    await s.ExecuteAsync("INSERT INTO mpp_ledger_windows (seconds) VALUES (@p0) ON CONFLICT (seconds) DO NOTHING", ct, seconds).ConfigureAwait(false);
                    s.AfterCommit(() =>
                    {
                        lock (_windowsRecorded)
                        {
                            _windowsRecorded.Add(seconds); // only once it is stored: a rolled-back batch records it again
                        }
                    });
                }
            }
        }
    }

    private static long WindowSeconds(TimeSpan window) => Math.Max(1, (long)Math.Ceiling(window.TotalSeconds));

    /// <summary>
    /// Reads an open entry and locks it for change: first the series it counts in (and those of <paramref name="lockFirst"/>)
    /// in the one order every writer uses, then its row, so that no two writers wait on each other in a cycle.
    /// </summary>
    private async ValueTask<OpenEntry?> ReadOpenAsync(SqlSession s, Guid id, IReadOnlyList<SpendingLimit>? lockFirst, CancellationToken ct)
    {
        var unlocked = await ReadEntryAsync(s, id, string.Empty, ct).ConfigureAwait(false);
        if (unlocked is null)
        {
            return null;
        }

        await _store.LockSeriesAsync(s, unlocked.Unit, SeriesKeys.With(unlocked.Keys, unlocked.Unit, lockFirst ?? []), ct).ConfigureAwait(false);
        return _store.ForUpdate.Length == 0 ? unlocked : await ReadEntryAsync(s, id, _store.ForUpdate, ct).ConfigureAwait(false);
    }

    private static async ValueTask<OpenEntry?> ReadEntryAsync(SqlSession s, Guid id, string forUpdate, CancellationToken ct)
    {
        var reader = await s.ReadAsync($"SELECT unit, scopes, segments, state FROM mpp_ledger_entries WHERE id = @p0 AND state IN (@p1, @p2, @p3){forUpdate}",
            ct, id, Reserved, Sent, Unknown).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            return new OpenEntry(id, reader.GetString(0), SeriesKeys.Split(reader.GetString(1)), EntrySegments.Parse(reader.GetString(2)), reader.GetInt32(3));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private sealed record OpenEntry(Guid Id, string Unit, IReadOnlyList<string> Keys, EntrySegments Segments, int State);
}
