using System.Numerics;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// One channel as the fake escrow keeps it. The node deletes a closed channel's state (its views then answer the zero
/// state); the fake keeps the record, marked <see cref="Closed"/>, so tests can still read how it ended.
/// </summary>
internal sealed record EscrowChannelRecord(
    string ChannelId,
    EscrowDescriptor Descriptor,
    BigInteger Deposit,
    BigInteger Settled,
    uint CloseRequestedAt,
    bool Closed,
    BigInteger RefundedToPayer,
    string? OpenTransactionHash)
{
    /// <summary>Whether the channel exists on chain (open: a non-zero deposit and not closed).</summary>
    public bool Exists => !Closed && !Deposit.IsZero;
}
