namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// Reserves, marks sent and settles. Concurrent writes of one process are combined: whoever finds no batch running runs
/// the queued ones, in order, in one transaction (each reserve still checked against every cap in turn, seeing the ones
/// before it), so N concurrent writes cost one commit instead of N, and one lock of the caps the reserves touch. A failed
/// batch fails each of its writes (nothing in it is counted or marked, so nothing is sent).
/// </summary>
internal sealed partial class SqlLedger
{
    private const int MaxBatch = 64;

    private readonly Lock _queueGate = new();
    private List<PendingWrite> _queue = [];
    private bool _draining;

    public async ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentNullException.ThrowIfNull(limits);
        ct.ThrowIfCancellationRequested();
        await ReadyAsync(ct).ConfigureAwait(false);
        return (LedgerReservation)(await WriteAsync(new PendingReserve(charge, limits)).ConfigureAwait(false))!;
    }

    /// <summary>Queues a write and runs the queue when nobody is; the write's result once its batch committed.</summary>
    private async ValueTask<object?> WriteAsync(PendingWrite pending)
    {
        bool drain;
        lock (_queueGate)
        {
            _queue.Add(pending);
            drain = !_draining;
            _draining = true;
        }

        if (drain)
        {
            await DrainAsync(pending).ConfigureAwait(false);
        }

        // Not cancellable once queued: the reservation may be made; one nobody sends is released by its lease.
        return await pending.Result.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Runs queued batches until <paramref name="mine"/> is done (or, for the background drainer, until the queue is
    /// empty); writes queued meanwhile are handed to a background drainer rather than delaying this caller.
    /// </summary>
    private async Task DrainAsync(PendingWrite? mine)
    {
        while (true)
        {
            List<PendingWrite> batch;
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _draining = false;
                    return;
                }

                if (mine is { Result.Task.IsCompleted: true })
                {
                    _ = Task.Run(() => DrainAsync(null)); // still draining: the queue passes to the thread pool
                    return;
                }

                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                var results = await Guard(() => WriteBatchAsync(batch, CancellationToken.None)).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var p in batch)
                {
                    p.Result.TrySetException(ex);
                }
            }
        }
    }

    private async Task<object?[]> WriteBatchAsync(List<PendingWrite> batch, CancellationToken ct)
    {
        await MaintainAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
        await using var session = s.ConfigureAwait(false);

        // Lock every series the batch's reserves touch first, in one order (unit, then scope), so writers never deadlock.
        var keys = new List<string>?[batch.Count];
        var byUnit = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is PendingReserve reserve)
            {
                keys[i] = SeriesKeys.For(reserve.Charge, reserve.Limits);
                if (!byUnit.TryGetValue(reserve.Charge.Unit, out var set))
                {
                    byUnit[reserve.Charge.Unit] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(keys[i]!);
            }
        }

        if (_store.Pipelines)
        {
            var pipelined = await WritePipelinedAsync(s, batch, keys, byUnit, now, ct).ConfigureAwait(false);
            await s.CommitAsync(ct).ConfigureAwait(false);
            return pipelined;
        }

        foreach (var (unit, set) in byUnit)
        {
            await _store.LockSeriesAsync(s, unit, [.. set], ct).ConfigureAwait(false);
        }

        var results = new object?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = batch[i] switch
            {
                PendingReserve reserve => await ReserveOneAsync(s, reserve, keys[i]!, now, ct).ConfigureAwait(false),
                PendingUpdate update => await UpdateOneAsync(s, update, nowMs, ct).ConfigureAwait(false),
                _ => null,
            };
        }

        await s.CommitAsync(ct).ConfigureAwait(false);
        return results;
    }

    private async ValueTask<LedgerReservation> ReserveOneAsync(SqlSession s, PendingReserve reserve, List<string> keys, DateTimeOffset now, CancellationToken ct)
    {
        var (charge, limits) = (reserve.Charge, reserve.Limits);
        var second = now.ToUnixTimeSeconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var inserted = await s.ExecuteAsync(
            $"INSERT INTO mpp_ledger_entries ({EntryColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, NULL, @p6, NULL, NULL, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p3) ON CONFLICT (id) DO NOTHING",
            ct, charge.Id, charge.Unit, charge.Host, _store.Amount(charge.Amount), Reserved, nowMs, nowMs + (long)_settings.Lease.TotalMilliseconds,
            charge.Description, charge.Method, charge.Intent, charge.ChallengeId, (int)charge.Kind, charge.ParentId, SeriesKeys.Join(keys),
            EntrySegments.Of(second, charge.Amount).ToString()).ConfigureAwait(false);
        if (inserted == 0)
        {
            return LedgerReservation.Reserved(charge.Id); // a retried reserve counts once
        }

        if (await CheckAsync(s, charge.Unit, charge.Amount, limits, second, ct).ConfigureAwait(false) is { } refused)
        {
            await s.ExecuteAsync("DELETE FROM mpp_ledger_entries WHERE id = @p0", ct, charge.Id).ConfigureAwait(false);
            return refused;
        }

        await RecordWindowsAsync(s, charge.Unit, limits, ct).ConfigureAwait(false);
        await AddAsync(s, keys, charge.Unit, second, charge.Amount, ct).ConfigureAwait(false);
        return LedgerReservation.Reserved(charge.Id);
    }

    /// <summary>
    /// The batch in one round trip (PostgreSQL): the locks of the caps, then each reserve as one procedure call and each
    /// update as one statement, in order; only a mark-sent that changed nothing asks again (was it released?).
    /// </summary>
    private async Task<object?[]> WritePipelinedAsync(
        SqlSession s, List<PendingWrite> batch, List<string>?[] keys, SortedDictionary<string, SortedSet<string>> byUnit, DateTimeOffset now, CancellationToken ct)
    {
        var statements = new List<(string Sql, object?[] Values)>(byUnit.Count + batch.Count);
        foreach (var (unit, set) in byUnit)
        {
            statements.Add(_store.LockSeriesStatement(unit, [.. set]));
        }

        var first = statements.Count;
        var positions = new int[batch.Count][];
        foreach (var (write, i) in batch.Select(static (w, i) => (w, i)))
        {
            if (write is PendingReserve reserve)
            {
                var call = _store.ReserveCall(reserve.Charge, reserve.Limits, keys[i]!, now, _settings.Lease);
                positions[i] = call.Positions;
                statements.Add((call.Sql, call.Values));
            }
            else
            {
                statements.Add(UpdateStatement((PendingUpdate)write, now.ToUnixTimeMilliseconds()));
            }
        }

        var (rows, changed) = await s.PipelineAsync(statements, ct).ConfigureAwait(false);
        var results = new object?[batch.Count];
        var row = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is PendingReserve reserve)
            {
                var refused = Convert.ToInt32(rows[row][0], System.Globalization.CultureInfo.InvariantCulture);
                var spent = (decimal)rows[row++][1]!;
                results[i] = refused < 0 ? LedgerReservation.Reserved(reserve.Charge.Id) : LedgerReservation.Refused(reserve.Limits[positions[i][refused]], spent);
            }
            else if (batch[i] is PendingUpdate { State: Sent } update)
            {
                results[i] = changed[first + i] == 0 && await WasReleasedAsync(s, update.Id, ct).ConfigureAwait(false);
            }
        }

        return results;
    }

    /// <summary>Marks sent (true when the entry was already released: the credential must not go), or settles or parks as unknown.</summary>
    private static async ValueTask<object?> UpdateOneAsync(SqlSession s, PendingUpdate update, long nowMs, CancellationToken ct)
    {
        var (sql, values) = UpdateStatement(update, nowMs);
        var changed = await s.ExecuteAsync(sql, ct, values).ConfigureAwait(false);
        return update.State == Sent ? changed == 0 && await WasReleasedAsync(s, update.Id, ct).ConfigureAwait(false) : null;
    }

    private static (string Sql, object?[] Values) UpdateStatement(PendingUpdate update, long nowMs) => update.State == Sent
        ? ("UPDATE mpp_ledger_entries SET state = CASE WHEN state = @p1 THEN @p2 ELSE state END, wallet_reference = COALESCE(@p3, wallet_reference), updated_ms = @p4 WHERE id = @p0 AND state IN (@p1, @p2, @p5)",
            [update.Id, Reserved, Sent, update.Reference, nowMs, Unknown])
        : ("UPDATE mpp_ledger_entries SET state = @p1, reference = COALESCE(@p2, reference), updated_ms = @p3 WHERE id = @p0 AND state IN (@p4, @p5, @p6)",
            [update.Id, update.State, update.Reference, nowMs, Reserved, Sent, Unknown]);

    private static async ValueTask<bool> WasReleasedAsync(SqlSession s, Guid id, CancellationToken ct) =>
        await s.ScalarAsync("SELECT state FROM mpp_ledger_entries WHERE id = @p0", ct, id).ConfigureAwait(false) is { } state
        && Convert.ToInt32(state, System.Globalization.CultureInfo.InvariantCulture) == Released;

    private abstract class PendingWrite
    {
        public TaskCompletionSource<object?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PendingReserve(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits) : PendingWrite
    {
        public LedgerCharge Charge { get; } = charge;

        public IReadOnlyList<SpendingLimit> Limits { get; } = limits;
    }

    /// <summary>Sets an open entry's state: <see cref="Sent"/> (with a wallet reference), <see cref="Settled"/> or <see cref="Unknown"/> (with a reference).</summary>
    private sealed class PendingUpdate(Guid id, int state, string? reference) : PendingWrite
    {
        public Guid Id { get; } = id;

        public int State { get; } = state;

        public string? Reference { get; } = reference;
    }
}
