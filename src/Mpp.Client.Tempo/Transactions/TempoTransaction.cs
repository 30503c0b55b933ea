using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>
/// A Tempo transaction (EIP-2718 type 0x76), the envelope the "tempo" charge pays with. Nethereum 6.1.0 has no such type,
/// so it is assembled here from Nethereum's RLP, Keccak and secp256k1 signer.
/// </summary>
/// <remarks>
/// <para>Field order, from tempoxyz/tempo <c>crates/primitives/src/transaction/tempo_transaction.rs</c>
/// (<c>rlp_encode_fields</c>) and ox <c>src/tempo/TxEnvelopeTempo.ts</c> (<c>serialize</c>):
/// chainId, maxPriorityFeePerGas, maxFeePerGas, gas, calls, accessList, nonceKey, nonce, validBefore, validAfter,
/// feeToken, feePayerSignature, authorizationList [, keyAuthorization] — then, in a signed envelope, the sender
/// signature as one byte string (tt_signed.rs <c>rlp_encode</c>). An absent validBefore, validAfter or feeToken is the
/// empty string 0x80. The authorization list is always empty and no key authorization is written here.</para>
/// <para>Fee payer (tempo_transaction.rs <c>encode_for_signing</c>; ox <c>serialize</c> with
/// <c>feePayerSignature: null</c>): when a fee payer will sponsor the transaction the sender signs over the single
/// byte 0x00 in the fee-payer slot and over an empty fee token — the sender does not commit to the fee token.</para>
/// </remarks>
internal sealed class TempoTransaction
{
    /// <summary>EIP-2718 type byte (tempo_transaction.rs <c>TEMPO_TX_TYPE_ID</c>; ox <c>serializedType</c>).</summary>
    public const byte TypeByte = 0x76;

    /// <summary>Prefix of the fee-payer forms (tempo_transaction.rs <c>FEE_PAYER_SIGNATURE_MAGIC_BYTE</c>; ox <c>feePayerMagic</c>).</summary>
    public const byte FeePayerMagic = 0x78;

    private readonly string? _feeToken;

    public required ulong ChainId { get; init; }

    public BigInteger MaxPriorityFeePerGas { get; init; }

    public BigInteger MaxFeePerGas { get; init; }

    public ulong Gas { get; init; }

    public required IReadOnlyList<TempoCall> Calls { get; init; }

    public IReadOnlyList<TempoAccessListEntry> AccessList { get; init; } = [];

    /// <summary>The 2D nonce lane; <see cref="TempoNonce.ExpiringKey"/> for an expiring (time-bounded) transaction.</summary>
    public BigInteger NonceKey { get; init; }

    public ulong Nonce { get; init; }

    /// <summary>Unix seconds; the transaction is valid only in blocks before it.</summary>
    public ulong? ValidBefore { get; init; }

    /// <summary>Unix seconds; the transaction is valid only in blocks after it.</summary>
    public ulong? ValidAfter { get; init; }

    /// <summary>The TIP-20 token the sender pays fees in, or null for no preference.</summary>
    public string? FeeToken
    {
        get => _feeToken;
        init => _feeToken = value is null ? null : EvmAddress.Normalize(value);
    }

    /// <summary>
    /// A fee payer will sponsor this transaction and has not signed yet: the fee-payer slot is the byte 0x00 and the fee
    /// token is not encoded (ox <c>serialize</c>: <c>feePayerSignature === null</c> → <c>'0x00'</c>, <c>skipFeeToken</c>).
    /// </summary>
    public bool FeePayer { get; init; }

    /// <summary>The fee payer's co-signature, RLP [yParity, r, s] in the fee-payer slot (tempo_transaction.rs
    /// <c>rlp_encode_fields_default</c>, <c>write_rlp_vrs</c>; ox <c>Signature.toTuple</c>).</summary>
    public TempoSignature? FeePayerSignature { get; init; }

    /// <summary>0x76 ‖ rlp(fields) as the sender signs it (tempo_transaction.rs <c>encode_for_signing</c>; ox
    /// <c>encodeForSigning</c>): a fee-payer signature, or the intent to get one, becomes the 0x00 placeholder and the
    /// fee token is left out.</summary>
    public byte[] EncodeForSigning()
    {
        var sponsored = FeePayer || FeePayerSignature is not null;
        return Prefixed(TypeByte, Rlp.List(Fields(
            includeFeeToken: !sponsored,
            feePayerSlot: sponsored ? [0x00] : [Rlp.EmptyString],
            senderSignature: null)));
    }

    /// <summary>The digest the sender signs: keccak256(<see cref="EncodeForSigning"/>) (tempo_transaction.rs
    /// <c>signature_hash</c>; ox <c>getSignPayload</c>).</summary>
    public byte[] SignatureHash() => Keccak.Hash(EncodeForSigning());

    /// <summary>0x76 ‖ rlp(fields ‖ signature), the envelope as ox <c>serialize(envelope, { signature })</c> writes it
    /// (and tt_signed.rs <c>eip2718_encode</c> once a fee payer has co-signed).</summary>
    public byte[] Encode(TempoSignature? senderSignature)
    {
        byte[] feePayerSlot = FeePayerSignature is { } co
            ? Rlp.List(Rlp.Quantity(co.YParity), Rlp.Quantity(co.RValue), Rlp.Quantity(co.SValue))
            : FeePayer ? [0x00] : [Rlp.EmptyString];
        return Prefixed(TypeByte, Rlp.List(Fields(
            includeFeeToken: !(FeePayer && FeePayerSignature is null),
            feePayerSlot,
            senderSignature)));
    }

    /// <summary>
    /// The fee-payer hand-off form viem 2.57 emits when the sender signs a <c>feePayer: true</c> transaction (viem
    /// <c>src/tempo/Transaction.ts</c> <c>serialize</c> → ox <c>serialize(…, { format: 'feePayer', sender })</c>):
    /// 0x78 ‖ rlp(fields with the sender's address in the fee-payer slot, no fee token ‖ signature).
    /// </summary>
    public byte[] EncodeFeePayerHandoff(TempoSignature senderSignature, string sender)
    {
        ArgumentNullException.ThrowIfNull(senderSignature);
        return Prefixed(FeePayerMagic, Rlp.List(Fields(
            includeFeeToken: false,
            feePayerSlot: Rlp.Bytes(EvmAddress.ToBytes(sender)),
            senderSignature)));
    }

    /// <summary>Signs with the sender's key and returns the 0x76 envelope.</summary>
    public SignedTempoTransaction Sign(TempoPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Validate();
        var signature = key.SignHash(SignatureHash());
        return new SignedTempoTransaction(this, signature, key.Address, Encode(signature));
    }

    /// <summary>The rules ox <c>assert</c> and tempo_transaction.rs <c>validate</c> apply before encoding.</summary>
    public void Validate()
    {
        if (Calls is null || Calls.Count == 0)
        {
            throw new InvalidOperationException("A Tempo transaction needs at least one call.");
        }

        if (ValidBefore is { } before && ValidAfter is { } after && before <= after)
        {
            throw new InvalidOperationException("validBefore must be later than validAfter.");
        }

        if (ChainId == 0)
        {
            throw new InvalidOperationException("The chain id must be positive.");
        }

        if (MaxPriorityFeePerGas > MaxFeePerGas && MaxFeePerGas > 0)
        {
            throw new InvalidOperationException("maxPriorityFeePerGas exceeds maxFeePerGas.");
        }

        if (NonceKey.Sign < 0 || NonceKey > TempoNonce.ExpiringKey)
        {
            throw new InvalidOperationException("The nonce key is a 256-bit unsigned integer.");
        }
    }

    private List<byte[]> Fields(bool includeFeeToken, byte[] feePayerSlot, TempoSignature? senderSignature)
    {
        var fields = new List<byte[]>(14)
        {
            Rlp.Quantity(ChainId),
            Rlp.Quantity(MaxPriorityFeePerGas),
            Rlp.Quantity(MaxFeePerGas),
            Rlp.Quantity(Gas),
            Rlp.List(Calls.Select(c => c.Encode())),
            Rlp.List(AccessList.Select(a => a.Encode())),
            Rlp.Quantity(NonceKey),
            Rlp.Quantity(Nonce),
            ValidBefore is { } before ? Rlp.Quantity(before) : [Rlp.EmptyString],
            ValidAfter is { } after ? Rlp.Quantity(after) : [Rlp.EmptyString],
            includeFeeToken && FeeToken is not null ? Rlp.Bytes(EvmAddress.ToBytes(FeeToken)) : [Rlp.EmptyString],
            feePayerSlot,
            Rlp.List(), // tempo_authorization_list: always empty here
        };
        if (senderSignature is not null)
        {
            fields.Add(Rlp.Bytes(senderSignature.ToRsv()));
        }

        return fields;
    }

    private static byte[] Prefixed(byte prefix, byte[] rlp)
    {
        var bytes = new byte[rlp.Length + 1];
        bytes[0] = prefix;
        rlp.CopyTo(bytes, 1);
        return bytes;
    }

    public override string ToString() =>
        $"TempoTransaction {{ ChainId = {ChainId}, Calls = {Calls.Count}, NonceKey = {NonceKey}, Nonce = {Nonce}, ValidBefore = {ValidBefore}, FeePayer = {FeePayer} }}";
}
