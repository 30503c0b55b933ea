using System.Numerics;

namespace Mpp.Client.Tempo.Testing;

/// <summary>
/// A TIP-1034 payment channel in a <see cref="FakeTempoChain"/>'s escrow precompile (<see cref="FakeTempoChain.ChannelEscrow"/>),
/// as <see cref="FakeTempoChain.GetChannel"/> reads it. Addresses and 32-byte values are lower-case 0x-hex; amounts are
/// base units of <see cref="Token"/>.
/// </summary>
/// <remarks>
/// The node deletes a closed channel's state, so its views (<c>getChannelState</c>) then answer zeros; this record keeps
/// what the channel held when it closed: <see cref="Deposit"/> is the final deposit, <see cref="Settled"/> what the payee
/// received in total, and <see cref="RefundedToPayer"/> the rest (deposit − settled).
/// </remarks>
/// <param name="ChannelId">The channel id: keccak256 of the descriptor, the escrow address and the chain id.</param>
/// <param name="Payer">Who opened the channel and funds it.</param>
/// <param name="Payee">Who is paid by vouchers.</param>
/// <param name="Operator">An address allowed to settle and close for the payee (the zero address when none).</param>
/// <param name="Token">The TIP-20 token locked in escrow.</param>
/// <param name="Salt">The payer's salt from the open call.</param>
/// <param name="AuthorizedSigner">Who signs vouchers (the zero address means the payer).</param>
/// <param name="ExpiringNonceHash">keccak256(encodeForSigning(open transaction) ‖ payer): the open transaction's context.</param>
/// <param name="Deposit">The total deposited (open plus top-ups).</param>
/// <param name="Settled">The cumulative amount paid out to the payee so far.</param>
/// <param name="CloseRequestedAt">When the payer requested a unilateral close (chain clock), or null.</param>
/// <param name="IsClosed">Whether the channel was closed (by the payee) or withdrawn (by the payer after the grace period).</param>
/// <param name="RefundedToPayer">What went back to the payer when the channel closed (0 while it is open).</param>
/// <param name="OpenTransactionHash">The hash of the transaction that opened the channel.</param>
public sealed record FakeTempoChainChannel(
    string ChannelId,
    string Payer,
    string Payee,
    string Operator,
    string Token,
    string Salt,
    string AuthorizedSigner,
    string ExpiringNonceHash,
    BigInteger Deposit,
    BigInteger Settled,
    DateTimeOffset? CloseRequestedAt,
    bool IsClosed,
    BigInteger RefundedToPayer,
    string? OpenTransactionHash)
{
    /// <summary>What the escrow still holds for this channel: deposit − settled while open, 0 once closed.</summary>
    public BigInteger Escrowed => IsClosed ? BigInteger.Zero : Deposit - Settled;
}
