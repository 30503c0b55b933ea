using System.Collections.Concurrent;
using System.Text;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// Gas estimates reused per payment shape — chain, token, fee payer, and the payees in order (the sender is the wallet's
/// own) — so that a steady stream of payments costs no <c>eth_estimateGas</c> round trip. Payments of one shape differ
/// only in their call data (amounts, memos), whose intrinsic cost is 4 gas per zero byte and 16 per other byte
/// (EIP-2028): a reused estimate is raised by the difference when the new call data costs more, never lowered.
/// </summary>
/// <remarks>Bounded: past <see cref="MaxEntries"/> shapes the cache starts over.</remarks>
internal sealed class TempoGasCache
{
    internal const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public TempoGasCache(TimeSpan lifetime, TimeProvider time)
    {
        _lifetime = lifetime;
        _time = time;
    }

    public bool TryGet(TempoChargeRequest request, IReadOnlyList<TempoCall> calls, out ulong estimate)
    {
        estimate = 0;
        if (_lifetime <= TimeSpan.Zero || !_entries.TryGetValue(Key(request), out var entry) || _time.GetUtcNow() >= entry.Expires)
        {
            return false;
        }

        var cost = CallDataCost(calls);
        estimate = cost > entry.CallDataCost ? checked(entry.Estimate + (cost - entry.CallDataCost)) : entry.Estimate;
        return true;
    }

    public void Set(TempoChargeRequest request, IReadOnlyList<TempoCall> calls, ulong estimate)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[Key(request)] = new Entry(estimate, CallDataCost(calls), _time.GetUtcNow() + _lifetime);
    }

    /// <summary>EIP-2028 call data gas: 4 per zero byte, 16 per non-zero byte, over every call's input.</summary>
    internal static ulong CallDataCost(IReadOnlyList<TempoCall> calls)
    {
        ulong cost = 0;
        foreach (var call in calls)
        {
            foreach (var b in call.Input)
            {
                cost += b == 0 ? 4UL : 16UL;
            }
        }

        return cost;
    }

    private static string Key(TempoChargeRequest request)
    {
        var key = new StringBuilder(64 + (43 * request.Transfers.Count));
        key.Append(request.ChainId).Append('|').Append(request.Currency).Append('|').Append(request.FeePayer ? '1' : '0');
        foreach (var transfer in request.Transfers)
        {
            key.Append('|').Append(transfer.Recipient);
        }

        return key.ToString();
    }

    private sealed record Entry(ulong Estimate, ulong CallDataCost, DateTimeOffset Expires);
}
