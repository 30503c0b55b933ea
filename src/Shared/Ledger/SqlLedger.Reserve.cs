namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// Reserving. Concurrent reserves of one process are combined: whoever finds no batch running runs the queued ones in one
/// transaction (each still checked against every cap in turn, seeing the ones before it), so N concurrent reserves cost
/// one commit instead of N, and one lock acquisition of the caps they touch. A failed batch fails each of its reserves.
/// </summary>
internal sealed partial class SqlLedger
{
    private const int MaxBatch = 64;

    private readonly Lock _queueGate = new();
    private List<PendingReserve> _queue = [];
    private bool _draining;

    public async ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentNullException.ThrowIfNull(limits);
        ct.ThrowIfCancellationRequested();
        await ReadyAsync(ct).ConfigureAwait(false);
        var pending = new PendingReserve(charge, limits);
        bool drain;
        lock (_queueGate)
        {
            _queue.Add(pending);
            drain = !_draining;
            _draining = true;
        }

        if (drain)
        {
            await DrainAsync().ConfigureAwait(false);
        }

        // Not cancellable once queued: the reservation may be made; one nobody sends is released by its lease.
        return await pending.Result.Task.ConfigureAwait(false);
    }

    private async ValueTask DrainAsync()
    {
        while (true)
        {
            List<PendingReserve> batch;
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _draining = false;
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
                var results = await Guard(() => ReserveBatchAsync(batch, CancellationToken.None)).ConfigureAwait(false);
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

    private async Task<LedgerReservation[]> ReserveBatchAsync(List<PendingReserve> batch, CancellationToken ct)
    {
        await MaintainAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var leaseMs = nowMs + (long)_settings.Lease.TotalMilliseconds;
        var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
        await using var session = s.ConfigureAwait(false);

        // Lock every series the batch touches first, in one order (unit, then scope), so batches of processes never deadlock.
        var keys = new List<string>[batch.Count];
        var byUnit = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            keys[i] = SeriesKeys.For(batch[i].Charge, batch[i].Limits);
            if (!byUnit.TryGetValue(batch[i].Charge.Unit, out var set))
            {
                byUnit[batch[i].Charge.Unit] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(keys[i]);
        }

        foreach (var (unit, set) in byUnit)
        {
            await _store.LockSeriesAsync(s, unit, [.. set], ct).ConfigureAwait(false);
        }

        var results = new LedgerReservation[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (charge, limits) = (batch[i].Charge, batch[i].Limits);
            var inserted = await s.ExecuteAsync(
                $"INSERT INTO mpp_ledger_entries ({EntryColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, NULL, @p6, NULL, NULL, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p3) ON CONFLICT (id) DO NOTHING",
                ct, charge.Id, charge.Unit, charge.Host, _store.Amount(charge.Amount), Reserved, nowMs, leaseMs,
                charge.Description, charge.Method, charge.Intent, charge.ChallengeId, (int)charge.Kind, charge.ParentId, SeriesKeys.Join(keys[i]),
                EntrySegments.Of(second, charge.Amount).ToString()).ConfigureAwait(false);
            if (inserted == 0)
            {
                results[i] = LedgerReservation.Reserved(charge.Id); // a retried reserve counts once
                continue;
            }

            if (await CheckAsync(s, charge.Unit, charge.Amount, limits, second, ct).ConfigureAwait(false) is { } refused)
            {
                await s.ExecuteAsync("DELETE FROM mpp_ledger_entries WHERE id = @p0", ct, charge.Id).ConfigureAwait(false);
                results[i] = refused;
                continue;
            }

            await RecordWindowsAsync(s, charge.Unit, limits, ct).ConfigureAwait(false);
            await AddAsync(s, _store.ScopeList(keys[i]), charge.Unit, second, charge.Amount, ct).ConfigureAwait(false);
            results[i] = LedgerReservation.Reserved(charge.Id);
        }

        await s.CommitAsync(ct).ConfigureAwait(false);
        return results;
    }

    private sealed class PendingReserve(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits)
    {
        public LedgerCharge Charge { get; } = charge;

        public IReadOnlyList<SpendingLimit> Limits { get; } = limits;

        public TaskCompletionSource<LedgerReservation> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
