namespace Mpp.Client.Ledger;

/// <summary>
/// The default ledger: process memory, one lock, exact <see cref="decimal"/> sums. Rolling windows are counted in
/// one-second buckets, and a bucket leaves a window only once its whole second is older than the window, so a window
/// never under-counts (a payment may count up to one second longer than the window, never shorter).
/// </summary>
/// <remarks>
/// Settled and released entries stay listable up to the newest 1,000; pending ones until they are resolved.
/// Spend is lost when the process exits; use a durable <see cref="IPaymentLedger"/> to carry budgets across restarts or to
/// share them between processes. A cap added by a configuration reload counts from the history this ledger still holds
/// (at least one day, or the longest window in use).
/// </remarks>
public sealed class InMemoryPaymentLedger : IPaymentLedger
{
    private const long MinimumRetentionSeconds = 86_400;
    private const int MaxFinalEntries = 1_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<(string? Host, string Unit), Series> _series = [];
    private readonly Dictionary<Guid, Entry> _open = [];
    private readonly Queue<LedgerEntry> _final = new();
    private readonly HashSet<Guid> _finalIds = [];
    private long _lastSecond = long.MinValue;

    /// <summary>Creates a ledger that reads time from <paramref name="timeProvider"/> (the system clock by default).</summary>
    public InMemoryPaymentLedger(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>How many entries are pending: reserved, sent, or with an unknown outcome.</summary>
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
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_open.ContainsKey(charge.Id) || _finalIds.Contains(charge.Id))
            {
                return ValueTask.FromResult(LedgerReservation.Reserved(charge.Id)); // a retried reserve counts once
            }

            var second = NowSecond();
            if (Check(charge.Unit, charge.Amount, limits, second) is { } refused)
            {
                return ValueTask.FromResult(refused);
            }

            var entry = new Entry(charge, _time.GetUtcNow(), ScopesFor(charge, limits));
            entry.AddSegment(second, charge.Amount);
            _open.Add(charge.Id, entry);
            return ValueTask.FromResult(LedgerReservation.Reserved(charge.Id));
        }
    }

    /// <inheritdoc />
    public ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(reservationId, out var entry))
            {
                if (entry.State == LedgerEntryState.Reserved)
                {
                    entry.State = LedgerEntryState.Sent;
                }

                entry.WalletReference = walletReference ?? entry.WalletReference;
                entry.Updated = _time.GetUtcNow();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken)
    {
        if (finalAmount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(finalAmount), "A final amount cannot be negative.");
        }

        lock (_gate)
        {
            if (!_open.TryGetValue(reservationId, out var entry))
            {
                return ValueTask.CompletedTask; // unknown or already final
            }

            entry.Updated = _time.GetUtcNow();
            entry.Reference = reference ?? entry.Reference;
            switch (outcome)
            {
                case LedgerOutcome.Unknown:
                    entry.State = LedgerEntryState.Unknown; // stays counted and pending
                    return ValueTask.CompletedTask;
                case LedgerOutcome.Released:
                    entry.SetAmount(0, NowSecond());
                    entry.State = LedgerEntryState.Released;
                    break;
                default:
                    if (finalAmount is { } final)
                    {
                        entry.SetAmount(final, NowSecond()); // money moved: a larger final amount is counted without a cap check
                    }

                    entry.State = LedgerEntryState.Settled;
                    break;
            }

            _open.Remove(reservationId);
            RememberFinal(entry);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">There is no pending reservation with this id.</exception>
    public ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(newAmount);
        lock (_gate)
        {
            if (!_open.TryGetValue(reservationId, out var entry))
            {
                throw new InvalidOperationException($"There is no pending ledger reservation {reservationId:N}.");
            }

            var second = NowSecond();
            var delta = newAmount - entry.Amount;
            if (delta > 0 && Check(entry.Charge.Unit, delta, limits, second) is { } refused)
            {
                return ValueTask.FromResult(refused);
            }

            entry.SetAmount(newAmount, second);
            entry.Updated = _time.GetUtcNow();
            return ValueTask.FromResult(LedgerReservation.Reserved(reservationId));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<LedgerEntry> result;
        lock (_gate)
        {
            result = new List<LedgerEntry>(_open.Count + _final.Count);
            foreach (var e in _open.Values)
            {
                result.Add(e.ToPublic());
            }

            result.AddRange(_final);
        }

        result.RemoveAll(e => !query.Matches(e));
        result.Sort(static (a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        var limit = query.Limit ?? int.MaxValue;
        foreach (var e in result)
        {
            if (limit-- <= 0)
            {
                yield break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        lock (_gate)
        {
            var second = NowSecond();
            var series = GetSeries(scope, unit);
            var total = series.Spent(window, second);
            var windowSeconds = window is null ? (long?)null : Math.Max(1, (long)Math.Ceiling(window.Value.TotalSeconds));
            var locked = 0m;
            foreach (var entry in _open.Values)
            {
                if (Array.IndexOf(entry.Scopes, series) >= 0)
                {
                    foreach (var segment in entry.AllSegments())
                    {
                        if (windowSeconds is not { } w || segment.Second + w >= second)
                        {
                            locked += segment.Amount;
                        }
                    }
                }
            }

            return ValueTask.FromResult(new LedgerUsage(locked, total - locked));
        }
    }

    /// <inheritdoc cref="IPaymentLedger.GetSpentAsync"/>
    public ValueTask<decimal> GetSpentAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        lock (_gate)
        {
            return ValueTask.FromResult(GetSeries(scope, unit).Spent(window, NowSecond()));
        }
    }

    private LedgerReservation? Check(string unit, decimal amount, IReadOnlyList<SpendingLimit> limits, long second)
    {
        foreach (var limit in limits)
        {
            if (!string.Equals(limit.Unit, unit, StringComparison.Ordinal))
            {
                continue;
            }

            var spent = GetSeries(limit.Scope, unit).Spent(limit.Window, second);
            if (spent + amount > limit.Cap)
            {
                return LedgerReservation.Refused(limit, spent);
            }
        }

        return null;
    }

    private void RememberFinal(Entry entry)
    {
        // A snapshot, so the entry's bookkeeping dies young; the newest ones stay listable and keep ids deduplicated.
        _final.Enqueue(entry.ToPublic());
        _finalIds.Add(entry.Charge.Id);
        while (_final.Count > MaxFinalEntries && _final.TryDequeue(out var old))
        {
            _finalIds.Remove(old.Id);
        }
    }

    /// <summary>Every series the charge counts in: all payments, its host, and each scope a limit names, once each.</summary>
    private Series[] ScopesFor(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits)
    {
        var scoped = 0;
        foreach (var limit in limits)
        {
            if (limit.Scope is not null)
            {
                scoped++;
            }
        }

        var scopes = new Series[2 + scoped];
        scopes[0] = GetSeries(null, charge.Unit);
        scopes[1] = GetSeries(charge.Host, charge.Unit);
        var count = scopes[1] == scopes[0] ? 1 : 2;
        foreach (var limit in limits)
        {
            if (limit.Scope is not null && string.Equals(limit.Unit, charge.Unit, StringComparison.Ordinal))
            {
                var series = GetSeries(limit.Scope, charge.Unit);
                if (Array.IndexOf(scopes, series, 0, count) < 0)
                {
                    scopes[count++] = series; // the same scope named twice (e.g. a host cap keyed by the exact host) counts once
                }
            }
        }

        if (count < scopes.Length)
        {
            Array.Resize(ref scopes, count);
        }

        return scopes;
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

    private sealed class Entry(LedgerCharge charge, DateTimeOffset created, Series[] scopes)
    {
        private Segment? _first;
        private List<Segment>? _more; // only after a top-up or a larger final amount

        public LedgerCharge Charge { get; } = charge;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset? Updated { get; set; }

        public LedgerEntryState State { get; set; }

        public string? WalletReference { get; set; }

        public string? Reference { get; set; }

        public Series[] Scopes { get; } = scopes;

        public decimal Amount
        {
            get
            {
                var sum = _first?.Amount ?? 0m;
                if (_more is not null)
                {
                    foreach (var s in _more)
                    {
                        sum += s.Amount;
                    }
                }

                return sum;
            }
        }

        public IEnumerable<Segment> AllSegments()
        {
            if (_first is not null)
            {
                yield return _first;
            }

            if (_more is not null)
            {
                foreach (var s in _more)
                {
                    yield return s;
                }
            }
        }

        public void AddSegment(long second, decimal amount)
        {
            var segment = new Segment(second, amount, new Bucket[Scopes.Length]);
            for (var i = 0; i < Scopes.Length; i++)
            {
                segment.Buckets[i] = Scopes[i].Add(second, amount);
            }

            if (_first is null)
            {
                _first = segment;
            }
            else
            {
                (_more ??= new List<Segment>(2)).Add(segment);
            }
        }

        /// <summary>Raises the amount by a segment counted now, or lowers it from the newest segments back.</summary>
        public void SetAmount(decimal amount, long second)
        {
            var delta = amount - Amount;
            if (delta > 0)
            {
                AddSegment(second, delta);
                return;
            }

            for (var i = (_more?.Count ?? 0); i >= 0 && delta < 0; i--)
            {
                var segment = i == 0 ? _first! : _more![i - 1];
                var take = Math.Min(segment.Amount, -delta);
                for (var j = 0; j < Scopes.Length; j++)
                {
                    Scopes[j].Remove(segment.Buckets[j], take);
                }

                segment.Amount -= take;
                delta += take;
            }
        }

        public LedgerEntry ToPublic() => new(Charge, State, Amount, Created)
        {
            UpdatedAt = Updated,
            WalletReference = WalletReference,
            Reference = Reference,
        };
    }

    private sealed class Segment(long second, decimal amount, Bucket[] buckets)
    {
        public long Second { get; } = second;

        public decimal Amount { get; set; } = amount;

        public Bucket[] Buckets { get; } = buckets;
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
