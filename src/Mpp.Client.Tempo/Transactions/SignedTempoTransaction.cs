using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>A sender-signed Tempo envelope: its bytes, its hash and the sender.</summary>
internal sealed class SignedTempoTransaction
{
    private readonly byte[] _bytes;

    public SignedTempoTransaction(TempoTransaction transaction, TempoSignature signature, string sender, byte[] bytes)
    {
        Transaction = transaction;
        Signature = signature;
        Sender = sender;
        _bytes = bytes;
        Hash = Keccak.Hash(bytes);
    }

    public TempoTransaction Transaction { get; }

    public TempoSignature Signature { get; }

    /// <summary>The sender address (EIP-55).</summary>
    public string Sender { get; }

    /// <summary>0x76 ‖ rlp(fields ‖ signature).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>keccak256 of <see cref="Bytes"/>: the transaction hash (tt_signed.rs <c>compute_hash</c>) once the
    /// envelope is final (no fee payer, or co-signed).</summary>
    public byte[] Hash { get; }

    /// <summary><see cref="Bytes"/> as 0x-prefixed lower-case hex, the credential's <c>signature</c> field.</summary>
    public string ToHex() => Hex.Encode(_bytes);

    public override string ToString() => $"SignedTempoTransaction {{ Sender = {Sender}, Hash = {Hex.Encode(Hash)} }}";
}
