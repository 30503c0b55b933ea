using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// One payment channel as the payer keeps it (in an <see cref="IChannelStore"/>): where it lives, its descriptor, its
/// deposit, the highest cumulative amount ever signed for it and the highest the server accepted. Amounts are base units
/// of the channel's token. Holds no secret: a voucher signature only pays this channel's payee, up to its amount.
/// </summary>
public sealed record TempoChannel
{
    /// <summary>The store key: the origin paid and the channel's chain, escrow, payee and token.</summary>
    public required string Key { get; init; }

    /// <summary>The origin (scheme, host, port) whose challenges opened the channel.</summary>
    public required string Origin { get; init; }

    /// <summary>The channel id, lower-case bytes32 hex.</summary>
    public required string ChannelId { get; init; }

    /// <summary>The chain id.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The escrow (the TIP-1034 precompile for session protocol v2).</summary>
    public required string Escrow { get; init; }

    /// <summary>The payer (the signer's address).</summary>
    public required string Payer { get; init; }

    /// <summary>The payee (the challenge's recipient).</summary>
    public required string Payee { get; init; }

    /// <summary>The payee-side operator of the descriptor (zero address when the challenge named none).</summary>
    public required string Operator { get; init; }

    /// <summary>The TIP-20 token deposited.</summary>
    public required string Token { get; init; }

    /// <summary>The descriptor's random salt.</summary>
    public required string Salt { get; init; }

    /// <summary>The descriptor's authorized signer (zero address: the payer signs).</summary>
    public required string AuthorizedSigner { get; init; }

    /// <summary>The descriptor's expiring-nonce hash, bound to the signed open transaction.</summary>
    public required string ExpiringNonceHash { get; init; }

    /// <summary>What is deposited in escrow, top-ups included.</summary>
    public required BigInteger Deposit { get; init; }

    /// <summary>
    /// The highest cumulative amount ever signed for this channel. Saved before a voucher leaves the process, so no later
    /// voucher is ever signed for less than one the server may hold.
    /// </summary>
    public required BigInteger HighestSigned { get; init; }

    /// <summary>The signature of the voucher for <see cref="HighestSigned"/>, 65-byte hex.</summary>
    public string? HighestSignature { get; init; }

    /// <summary>The highest cumulative amount the server acknowledged.</summary>
    public BigInteger Accepted { get; init; }

    /// <summary>The most the network fees of the open and top-up transactions can be (counted with the deposit).</summary>
    public BigInteger Fees { get; init; }

    /// <summary>What the ledger moved from this channel's deposit entry to spent (the accepted vouchers' increments).</summary>
    public BigInteger Counted { get; init; }

    /// <summary>The ledger entry holding the locked deposit, once the open was sent.</summary>
    public Guid? DepositEntryId { get; init; }

    /// <summary>Where the channel is in its life.</summary>
    public TempoChannelStatus Status { get; init; }

    /// <summary>When the channel was opened.</summary>
    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>What remains of the deposit above the highest signed voucher.</summary>
    public BigInteger Available => Deposit - BigInteger.Max(HighestSigned, Accepted);
}
