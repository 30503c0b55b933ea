namespace Mpp.Client.Ledger;

/// <summary>
/// The default ledger: process memory, one lock, exact <see cref="decimal"/> sums. Rolling windows are counted in
/// one-second buckets, and a bucket leaves a window only once its whole second is older than the window, so a window
/// never under-counts (a payment may count up to one second longer than the window, never shorter).
/// </summary>
/// <remarks>
/// Spend is lost when the process exits; use a durable <see cref="IPaymentLedger"/> to carry budgets across restarts or to
/// share them between processes. A cap added by a configuration reload counts from the history this ledger still holds
/// (at least one day, or the longest window in use).
/// </remarks>
public sealed class InMemoryPaymentLedger : IPaymentLedger
{
    private const long MinimumRetentionSeconds = 86_400;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<(string? Host, string Unit), Series> _series = [];
    private readonly Dictionary<Guid, Entry> _open = [];
    private long _lastSecond = long.MinValue;

    /// <summary>Creates a ledger that reads time from <paramref name="timeProvider"/> (the system clock by default).</summary>
    public InMemoryPaymentLedger(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>How many reservations are neither settled, released nor abandoned as unknown.</summary>
    public int OpenReservations
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(charge.Amount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var second = NowSecond();
            foreach (var limit in limits)
            {
                if (!string.Equals(limit.Unit, charge.Unit, StringComparison.Ordinal))
                {
                    continue;
                }

                var spent = GetSeries(limit.Scope, charge.Unit).Spent(limit.Window, second);
                if (spent + charge.Amount > limit.Cap)
                {
                    return ValueTask.FromResult(LedgerReservation.Refused(limit, spent));
                }
            }

            var entry = new Entry(charge.Amount);
            AddTo(entry, null, charge.Unit, second);
            AddTo(entry, charge.Host, charge.Unit, second);
            foreach (var limit in limits)
            {
                if (limit.Scope is not null && string.Equals(limit.Unit, charge.Unit, StringComparison.Ordinal))
                {
                    AddTo(entry, limit.Scope, charge.Unit, second);
                }
            }

            var id = Guid.NewGuid();
            _open.Add(id, entry);
            return ValueTask.FromResult(LedgerReservation.Reserved(id));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reserved and sent amounts count alike here, and only <see cref="CompleteAsync"/> can uncount one, so there is
    /// nothing to record in memory; a durable store records the transition for audit and crash recovery.
    /// </remarks>
    public ValueTask MarkSentAsync(Guid reservationId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_open.Remove(reservationId, out var entry))
            {
                return ValueTask.CompletedTask;
            }

            if (outcome == LedgerOutcome.Released)
            {
                foreach (var (series, bucket) in entry.Buckets)
                {
                    series.Remove(bucket, entry.Amount);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        lock (_gate)
        {
            return ValueTask.FromResult(GetSeries(scope, unit).Spent(window, NowSecond()));
        }
    }

    private void AddTo(Entry entry, string? host, string unit, long second)
    {
        var series = GetSeries(host, unit);
        foreach (var (s, _) in entry.Buckets)
        {
            if (ReferenceEquals(s, series))
            {
                return; // the same scope named twice (e.g. a host cap keyed by the exact host)
            }
        }

        entry.Buckets.Add((series, series.Add(second, entry.Amount)));
    }

    private Series GetSeries(string? host, string unit)
    {
        if (!_series.TryGetValue((host, unit), out var series))
        {
            series = new Series();
            _series.Add((host, unit), series);
        }

        return series;
    }

    private long NowSecond()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (now > _lastSecond)
        {
            _lastSecond = now;
        }

        return _lastSecond; // never goes backwards, even if the clock does
    }

    private sealed class Entry(decimal amount)
    {
        public decimal Amount { get; } = amount;

        public List<(Series Series, Bucket Bucket)> Buckets { get; } = new(3);
    }

    private sealed class Bucket(long second, long seq)
    {
        public long Second { get; } = second;

        public long Seq { get; } = seq;

        public decimal Amount { get; set; }
    }

    private sealed class WindowSum(long seconds)
    {
        public long Seconds { get; } = seconds;

        public long Head { get; set; }

        public decimal Sum { get; set; }
    }

    private sealed class Series
    {
        private readonly List<Bucket> _buckets = [];
        private readonly List<WindowSum> _windows = [];
        private long _baseSeq;
        private long _nextSeq;
        private decimal _lifetime;

        public Bucket Add(long second, decimal amount)
        {
            Bucket bucket;
            if (_buckets.Count > 0 && _buckets[^1].Second == second)
            {
                bucket = _buckets[^1];
            }
            else
            {
                bucket = new Bucket(second, _nextSeq++);
                _buckets.Add(bucket);
            }

            bucket.Amount += amount;
            _lifetime += amount;
            foreach (var w in _windows)
            {
                w.Sum += amount;
            }

            if (_buckets.Count >= 2048)
            {
                Prune(second);
            }

            return bucket;
        }

        public void Remove(Bucket bucket, decimal amount)
        {
            bucket.Amount -= amount;
            _lifetime -= amount;
            foreach (var w in _windows)
            {
                if (bucket.Seq >= w.Head)
                {
                    w.Sum -= amount;
                }
            }
        }

        public decimal Spent(TimeSpan? window, long second)
        {
            if (window is null)
            {
                return _lifetime;
            }

            var seconds = Math.Max(1, (long)Math.Ceiling(window.Value.TotalSeconds));
            WindowSum? w = null;
            foreach (var candidate in _windows)
            {
                if (candidate.Seconds == seconds)
                {
                    w = candidate;
                    break;
                }
            }

            if (w is null)
            {
                w = new WindowSum(seconds) { Head = _baseSeq };
                foreach (var b in _buckets)
                {
                    w.Sum += b.Amount;
                }

                _windows.Add(w);
            }

            while (w.Head < _nextSeq)
            {
                var b = _buckets[(int)(w.Head - _baseSeq)];
                if (b.Second + w.Seconds >= second)
                {
                    break;
                }

                w.Sum -= b.Amount;
                w.Head++;
            }

            return w.Sum;
        }

        private void Prune(long second)
        {
            var retention = MinimumRetentionSeconds;
            var minHead = _nextSeq;
            foreach (var w in _windows)
            {
                retention = Math.Max(retention, w.Seconds);
                minHead = Math.Min(minHead, w.Head);
            }

            var drop = 0;
            while (drop < _buckets.Count - 1)
            {
                var b = _buckets[drop];
                if (b.Seq >= minHead || b.Second + retention >= second)
                {
                    break;
                }

                drop++;
            }

            if (drop >= 1024)
            {
                _buckets.RemoveRange(0, drop);
                _baseSeq += drop;
            }
        }
    }
}
