using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A tempo/session receipt (mppx 0.11.0 <c>Protocol.isSessionReceipt</c> / <c>createSessionReceipt</c>):
/// <c>{method: "tempo", intent: "session", status: "success", timestamp, reference, challengeId, channelId,
/// acceptedCumulative, spent, units?, txHash?}</c>, in the <c>Payment-Receipt</c> header or an SSE
/// <c>payment-receipt</c> event. <c>acceptedCumulative</c> and <c>spent</c> are decimal strings, <c>units</c> a JSON
/// number; <c>reference</c> is the channel id.
/// </summary>
internal sealed record SessionReceipt(string ChallengeId, string ChannelId, BigInteger AcceptedCumulative, BigInteger Spent)
{
    /// <summary>Units the server counted, or null.</summary>
    public long? Units { get; init; }

    /// <summary>The transaction hash (open, top-up, close), lower-case 0x hex, or null.</summary>
    public string? TxHash { get; init; }

    /// <summary>The receipt's <c>reference</c> (mppx: the channel id).</summary>
    public string? Reference { get; init; }

    /// <summary>The RFC 3339 <c>timestamp</c>.</summary>
    public string? Timestamp { get; init; }

    /// <summary>Reads a receipt object.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: not a session receipt or malformed.</exception>
    public static SessionReceipt FromJson(JsonElement receipt) => throw new NotImplementedException();

    /// <summary>Reads the session fields of a parsed <c>Payment-Receipt</c>.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: not a session receipt or malformed.</exception>
    public static SessionReceipt FromReceipt(PaymentReceipt receipt) => throw new NotImplementedException();

    /// <summary>The receipt object as mppx writes it (for a server), with <paramref name="timestamp"/> as RFC 3339.</summary>
    public JsonElement ToJson(DateTimeOffset timestamp) => throw new NotImplementedException();
}
