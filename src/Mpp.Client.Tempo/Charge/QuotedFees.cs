using System.Collections.Concurrent;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// The fee data a challenge's terms were quoted with, kept until its credential is created (at most
/// <see cref="Lifetime"/>): the fee bound declared and reserved came from these numbers, so signing with them needs no
/// second fee round trip and cannot exceed the bound. Past a few seconds (an approver may take minutes) the fees are
/// asked again, and a rise above the declared bound is refused.
/// </summary>
internal sealed class QuotedFees
{
    internal static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 256;

    private readonly ConcurrentDictionary<string, (TempoFeeData Fees, DateTimeOffset At)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public QuotedFees(TimeProvider time) => _time = time;

    public void Remember(string challengeId, TempoFeeData fees)
    {
        var now = _time.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            foreach (var (id, entry) in _entries)
            {
                if (now - entry.At > Lifetime)
                {
                    _entries.TryRemove(id, out _);
                }
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }

        _entries[challengeId] = (fees, now);
    }

    public TempoFeeData? Take(string challengeId) =>
        _entries.TryRemove(challengeId, out var entry) && _time.GetUtcNow() - entry.At <= Lifetime ? entry.Fees : null;
}
