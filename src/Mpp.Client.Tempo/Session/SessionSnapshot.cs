using System.Numerics;
using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A server's snapshot of a reusable v2 channel (draft-tempo-session-00 § "Session Snapshot"; mppx 0.11.0
/// <c>tempo/session/Snapshot.js</c>): sent as <c>methodDetails.sessionSnapshot</c> or in the
/// <c>Payment-Session-Snapshot</c> header (base64url JSON, no padding). Only a hint: check it with
/// <see cref="IsConsistent"/> before use.
/// </summary>
internal sealed record SessionSnapshot(
    string ChannelId,
    ulong ChainId,
    string Escrow,
    ChannelDescriptor Descriptor,
    BigInteger AcceptedCumulative,
    BigInteger RequiredCumulative,
    BigInteger Deposit,
    BigInteger Settled,
    BigInteger Spent)
{
    /// <summary>Units delivered by the server's count, or null.</summary>
    public long? Units { get; init; }

    /// <summary>Close-request time (decimal string, Unix seconds) when the channel is closing, or null.</summary>
    public string? CloseRequestedAt { get; init; }

    /// <summary>The highest voucher the server holds, or null.</summary>
    public SignedVoucher? HighestVoucher { get; init; }

    /// <summary>The channel id recomputed from <see cref="Descriptor"/>, <see cref="Escrow"/> and <see cref="ChainId"/>
    /// equals <see cref="ChannelId"/>.</summary>
    public bool IsConsistent() => throw new NotImplementedException();

    /// <summary>Reads the snapshot object.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidChallenge"/>: malformed.</exception>
    public static SessionSnapshot FromJson(JsonElement snapshot) => throw new NotImplementedException();

    /// <summary>Reads a <c>Payment-Session-Snapshot</c> header value.</summary>
    /// <exception cref="MppException">Not base64url JSON (<see cref="MppErrorCode.InvalidEncoding"/>) or malformed
    /// (<see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static SessionSnapshot ParseHeader(string headerValue) => throw new NotImplementedException();
}
