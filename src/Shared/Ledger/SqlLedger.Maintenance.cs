using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Mpp.Client.Ledger.Sql;

/// <summary>Opening (schema, report of pending entries), lease expiry, compaction, and store failures as typed errors.</summary>
internal sealed partial class SqlLedger
{
    private const long MinimumBucketRetentionSeconds = 86_400;
    private const long CompactionIntervalSeconds = 3_600;
    private const int LeaseSweepBatch = 64;
    private const int MaxAttempts = 30;

    /// <summary>Opens the store once: creates or migrates the schema, releases expired leases, reports pending entries.</summary>
    /// <exception cref="LedgerStoreException">The store cannot be used, or its schema is newer than this code.</exception>
    public Task InitializeAsync(CancellationToken ct)
    {
        lock (_initGate)
        {
            if (_init is null || _init.IsFaulted || _init.IsCanceled)
            {
                _init = Guard(async () =>
                {
                    await MigrateAsync(ct).ConfigureAwait(false);
                    await MaintainAsync(ct).ConfigureAwait(false);
                    await ReportPendingAsync(ct).ConfigureAwait(false);
                    return true;
                }).AsTask();
            }

            return _init;
        }
    }

    private ValueTask ReadyAsync(CancellationToken ct)
    {
        var init = _init;
        return init is { IsCompletedSuccessfully: true } ? ValueTask.CompletedTask : new ValueTask(InitializeAsync(ct).WaitAsync(ct));
    }

    private async ValueTask MigrateAsync(CancellationToken ct)
    {
        var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
        await using var session = s.ConfigureAwait(false);
        await _store.LockSchemaAsync(s, ct).ConfigureAwait(false);
        await s.ExecuteAsync("CREATE TABLE IF NOT EXISTS mpp_ledger_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)", ct).ConfigureAwait(false);
        var text = await s.ScalarAsync("SELECT value FROM mpp_ledger_meta WHERE key = 'schema_version'", ct).ConfigureAwait(false) as string;
        var version = text is null ? 0 : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (version > _store.SchemaVersion)
        {
            throw new LedgerStoreException(MppErrorCode.LedgerSchemaUnsupported,
                $"The {_store.Describe} holds schema version {version}, written by a newer version of the SDK; this version understands up to {_store.SchemaVersion}. Upgrade the package (or point it at another store); nothing was changed.");
        }

        for (var v = version + 1; v <= _store.SchemaVersion; v++)
        {
            foreach (var statement in _store.Migration(v))
            {
                await s.ExecuteAsync(statement, ct).ConfigureAwait(false);
            }
        }

        if (version < _store.SchemaVersion)
        {
            await s.ExecuteAsync("INSERT INTO mpp_ledger_meta (key, value) VALUES ('schema_version', @p0) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ct, _store.SchemaVersion.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            LedgerLog.SchemaMigrated(_logger, _store.Describe, version, _store.SchemaVersion);
        }

        await s.CommitAsync(ct).ConfigureAwait(false);
    }

    private async ValueTask ReportPendingAsync(CancellationToken ct)
    {
        var pending = new List<LedgerEntry>();
        foreach (var e in await ListCoreAsync(new LedgerQuery { States = [LedgerEntryState.Sent, LedgerEntryState.Unknown] }, ct).ConfigureAwait(false))
        {
            pending.Add(e);
            LedgerLog.PendingAtStart(_logger, e.Id, e.State, e.Amount, e.Charge.Unit, e.Charge.Host, e.Charge.Method, e.WalletReference);
        }

        PendingAtStart = pending;
        _metrics.PendingAtStart.Add(pending.Count);
        if (pending.Count > 0)
        {
            LedgerLog.PendingSummary(_logger, pending.Count, _store.Describe);
        }
    }

    /// <summary>Releases expired leases (at most once a second per process) and compacts old rows (once an hour).</summary>
    private async ValueTask MaintainAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        if (Interlocked.Exchange(ref _lastSweepSecond, second) != second)
        {
            await SweepLeasesAsync(now, ct).ConfigureAwait(false);
        }

        var next = Interlocked.Read(ref _nextCompactionSecond);
        if (second >= next && Interlocked.CompareExchange(ref _nextCompactionSecond, second + CompactionIntervalSeconds, next) == next)
        {
            await CompactAsync(now, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask SweepLeasesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        while (true)
        {
            var expired = new List<Guid>();
            var reading = await _store.BeginAsync(write: false, ct).ConfigureAwait(false);
            await using (reading.ConfigureAwait(false))
            {
                var s = reading;
                var reader = await s.ReadAsync("SELECT id FROM mpp_ledger_entries WHERE state < 3 AND state = @p0 AND lease_ms <= @p1 LIMIT @p2", ct, Reserved, nowMs, LeaseSweepBatch).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        expired.Add(reader.GetGuid(0));
                    }
                }
            }

            foreach (var id in expired)
            {
                var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
                await using var session = s.ConfigureAwait(false);
                if (await ReadOpenAsync(s, id, lockFirst: null, ct).ConfigureAwait(false) is { State: Reserved })
                {
                    await SetFinalAsync(s, id, Released, 0, null, ct).ConfigureAwait(false);
                    await s.CommitAsync(ct).ConfigureAwait(false);
                    LedgerLog.LeaseExpired(_logger, id, _settings.Lease);
                    _metrics.LeaseReleased.Add(1);
                }
            }

            if (expired.Count < LeaseSweepBatch)
            {
                return;
            }
        }
    }

    private async ValueTask CompactAsync(DateTimeOffset now, CancellationToken ct)
    {
        var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
        await using var session = s.ConfigureAwait(false);
        var longest = await s.ScalarAsync("SELECT MAX(seconds) FROM mpp_ledger_windows", ct).ConfigureAwait(false);
        var keep = Math.Max(MinimumBucketRetentionSeconds, longest is null ? 0 : Convert.ToInt64(longest, CultureInfo.InvariantCulture)) + 1;

        // Window buckets older than every window leave; the lifetime totals (second -1) already hold them.
        var buckets = await s.ExecuteAsync("DELETE FROM mpp_ledger_buckets WHERE second >= 0 AND second < @p0", ct, now.ToUnixTimeSeconds() - keep).ConfigureAwait(false);
        var entries = await s.ExecuteAsync("DELETE FROM mpp_ledger_entries WHERE state IN (@p0, @p1) AND COALESCE(updated_ms, created_ms) < @p2",
            ct, Settled, Released, now.ToUnixTimeMilliseconds() - (long)_settings.Retention.TotalMilliseconds).ConfigureAwait(false);
        await s.CommitAsync(ct).ConfigureAwait(false);
        if (buckets + entries > 0)
        {
            LedgerLog.Compacted(_logger, buckets, entries);
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning the store's failures into <see cref="LedgerStoreException"/> (fail closed).</summary>
    private async ValueTask<T> Guard<T>(Func<Task<T>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < MaxAttempts && _store.IsRetryable(ex))
            {
                // A short random pause (real time: a test clock must not stall it), then the whole transaction runs again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(attempt * 2)), TimeProvider.System).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not LedgerStoreException && _store.IsStoreFailure(ex))
            {
                throw Unavailable(ex);
            }
        }
    }

    private LedgerStoreException Unavailable(Exception ex)
    {
        LedgerLog.StoreFailed(_logger, _store.Describe, ex.GetType().Name);
        return new LedgerStoreException(MppErrorCode.LedgerUnavailable,
            $"The {_store.Describe} cannot be used ({ex.GetType().Name}: {Redact(ex.Message)}); nothing was counted, so nothing may be paid.", ex);
    }

    /// <summary>A database message without anything that looks like a setting (<c>Password=...</c>): messages are for people, never secrets.</summary>
    private static string Redact(string message)
    {
        var eq = message.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? message : message[..eq] + "=…";
    }
}
