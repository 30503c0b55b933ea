using System.Diagnostics.Metrics;

namespace Mpp.Client.Ledger.Sql;

/// <summary>The durable ledgers' meter, <c>Mpp.Client.Ledger</c>.</summary>
internal sealed class LedgerMetrics : IDisposable
{
    public const string MeterName = "Mpp.Client.Ledger";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public LedgerMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        PendingAtStart = _meter.CreateCounter<long>("mpp.client.ledger.pending_at_start", "{entry}",
            "Ledger entries found sent without an outcome when the store was opened (they stay counted until resolved).");
        LeaseReleased = _meter.CreateCounter<long>("mpp.client.ledger.lease_released", "{entry}",
            "Reservations never sent whose lease ran out, released.");
    }

    public Counter<long> PendingAtStart { get; }

    public Counter<long> LeaseReleased { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
