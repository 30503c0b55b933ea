namespace Mpp.Client.Tempo.Session;

/// <summary>What a <see cref="TempoStreamEvent"/> carries.</summary>
public enum TempoStreamEventKind
{
    /// <summary>Application content (any SSE event that is not a payment event): <see cref="TempoStreamEvent.Data"/>.</summary>
    Data,

    /// <summary>An in-stream <c>payment-receipt</c>: the server's running count (<see cref="TempoStreamEvent.Spent"/>).</summary>
    Receipt,

    /// <summary>The payer stopped the stream: paying on would cross a limit (<see cref="TempoStreamEvent.StopReason"/>). The last event.</summary>
    Stopped,
}
