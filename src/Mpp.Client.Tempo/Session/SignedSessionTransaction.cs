using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A sender-signed open or top-up transaction ready for a credential: <see cref="TransactionHex"/> is the payload's
/// <c>transaction</c> field (the 0x76 envelope, or viem's 0x78 fee-payer hand-off form when the server sponsors fees),
/// and for an open the descriptor and channel id it commits to.
/// </summary>
internal sealed class SignedSessionTransaction
{
    /// <summary>Wraps the parts.</summary>
    public SignedSessionTransaction(TempoTransaction transaction, TempoSignature signature, string sender, string transactionHex, string expiringNonceHash, ChannelDescriptor descriptor, string channelId)
    {
        Transaction = transaction;
        Signature = signature;
        Sender = sender;
        TransactionHex = transactionHex;
        ExpiringNonceHash = expiringNonceHash;
        Descriptor = descriptor;
        ChannelId = channelId;
    }

    /// <summary>The unsigned fields.</summary>
    public TempoTransaction Transaction { get; }

    /// <summary>The sender's signature.</summary>
    public TempoSignature Signature { get; }

    /// <summary>The sender (the payer), lower-case.</summary>
    public string Sender { get; }

    /// <summary>The credential's <c>transaction</c> field, lower-case 0x hex.</summary>
    public string TransactionHex { get; }

    /// <summary>keccak256(encodeForSigning(tx) ‖ sender), lower-case 0x hex (computed for a top-up too; only an open's
    /// is part of a descriptor).</summary>
    public string ExpiringNonceHash { get; }

    /// <summary>The channel's descriptor (for an open, the new channel's; for a top-up, the one topped up).</summary>
    public ChannelDescriptor Descriptor { get; }

    /// <summary>The channel id, lower-case bytes32 hex.</summary>
    public string ChannelId { get; }

    /// <inheritdoc />
    public override string ToString() => $"SignedSessionTransaction {{ Sender = {Sender}, ChannelId = {ChannelId} }}";
}
