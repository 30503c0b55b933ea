using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mpp.Client.Diagnostics;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>Mpp.Client</c>.</summary>
public sealed class MppTelemetry : IDisposable
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Mpp.Client";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <summary>Creates the telemetry; the meter comes from <paramref name="meterFactory"/> when given.</summary>
    public MppTelemetry(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Payments = _meter.CreateCounter<long>("mpp.client.payments", "{payment}", "Payments made, by method, intent and unit.");
        Amount = _meter.CreateCounter<double>("mpp.client.payment.amount", null, "Amount paid, in the budget unit named by the 'unit' tag (for dashboards; the ledger is exact).");
        Failures = _meter.CreateCounter<long>("mpp.client.payment.failures", "{failure}", "Payments refused, rejected or with unknown outcome, by reason.");
        Challenges = _meter.CreateCounter<long>("mpp.client.challenges", "{response}", "402 responses met.");
        ConfigurationRejected = _meter.CreateCounter<long>(
            "mpp.client.configuration.rejected", "{change}", "Configuration changes rejected as invalid (the last valid configuration stays in force), by options type.");
    }

    /// <summary>The activity source for payment spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    internal Counter<long> Payments { get; }

    internal Counter<double> Amount { get; }

    internal Counter<long> Failures { get; }

    internal Counter<long> Challenges { get; }

    internal Counter<long> ConfigurationRejected { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
