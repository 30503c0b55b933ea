using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// What a fee payer signs to sponsor a Tempo transaction: keccak256(0x78 ‖ rlp(chainId, maxPriorityFeePerGas,
/// maxFeePerGas, gas, calls, accessList, nonceKey, nonce, validBefore, validAfter, feeToken, sender, authorizationList)).
/// The fee token is included (the sender does not commit to it, the fee payer does) and the fee-payer slot holds the
/// sender's 20-byte address; no signature follows. Sources: tempoxyz/tempo
/// <c>crates/primitives/src/transaction/tempo_transaction.rs</c> <c>fee_payer_signature_hash</c> (the fee-payer field
/// writer encodes <c>sender</c>, <c>skip_fee_token = false</c>) and ox <c>src/tempo/TxEnvelopeTempo.ts</c>
/// <c>getFeePayerSignPayload</c> (<c>serialize(…, { sender, format: 'feePayer' })</c> without a signature).
/// </summary>
internal static class FeePayerSigning
{
    public static byte[] Hash(TempoTransaction transaction, string sender)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        // The fields as a client-paid envelope writes them (fee token in, empty fee-payer slot), then the slot replaced by
        // the sender: the field encoding stays the one TempoTransaction owns.
        var plain = WithFeePayer(transaction, feePayer: false, feeToken: transaction.FeeToken, signature: null).Encode(senderSignature: null);
        var fields = RlpReader.Decode(plain.AsSpan(1)).AsList();
        var payload = new List<byte[]>(fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            payload.Add(i == 11 ? Rlp.Bytes(EvmAddress.ToBytes(sender)) : Reencode(fields[i]));
        }

        return Keccak.Hash([TempoTransaction.FeePayerMagic, .. Rlp.List(payload)]);
    }

    /// <summary>A copy of <paramref name="transaction"/> with the fee-payer state and the fee token replaced.</summary>
    public static TempoTransaction WithFeePayer(TempoTransaction transaction, bool feePayer, string? feeToken, TempoSignature? signature) => new()
    {
        ChainId = transaction.ChainId,
        MaxPriorityFeePerGas = transaction.MaxPriorityFeePerGas,
        MaxFeePerGas = transaction.MaxFeePerGas,
        Gas = transaction.Gas,
        Calls = transaction.Calls,
        AccessList = transaction.AccessList,
        NonceKey = transaction.NonceKey,
        Nonce = transaction.Nonce,
        ValidBefore = transaction.ValidBefore,
        ValidAfter = transaction.ValidAfter,
        FeeToken = feeToken,
        FeePayer = feePayer,
        FeePayerSignature = signature,
    };

    private static byte[] Reencode(RlpItem item) =>
        item.IsList ? Rlp.List(item.AsList().Select(Reencode)) : Rlp.Bytes(item.AsBytes());
}
