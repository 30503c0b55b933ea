using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>One event of a metered stream read by <see cref="TempoSessions.StreamAsync"/>.</summary>
public sealed record TempoStreamEvent
{
    /// <summary>What the event carries.</summary>
    public required TempoStreamEventKind Kind { get; init; }

    /// <summary>The SSE event type (<c>message</c> when the server named none).</summary>
    public required string EventType { get; init; }

    /// <summary>The SSE data (for <see cref="TempoStreamEventKind.Data"/>; the receipt JSON for a receipt).</summary>
    public string Data { get; init; } = string.Empty;

    /// <summary>The SSE event id, when the server gave one.</summary>
    public string? Id { get; init; }

    /// <summary>What the payer has authorized on this stream so far (vouchers signed while reading it), in base units.</summary>
    public BigInteger Authorized { get; init; }

    /// <summary>For a receipt: what the server says the channel has spent, in base units.</summary>
    public BigInteger? Spent { get; init; }

    /// <summary>For <see cref="TempoStreamEventKind.Stopped"/>: why the payer stopped paying.</summary>
    public string? StopReason { get; init; }
}
