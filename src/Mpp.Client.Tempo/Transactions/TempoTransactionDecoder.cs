using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>
/// Reads a 0x76 envelope (or the 0x78 fee-payer hand-off) back into a <see cref="TempoTransaction"/>: the mirror of the
/// encoder, following tempo_transaction.rs <c>rlp_decode_fields</c> and ox <c>deserialize</c>. Key authorizations and
/// non-empty authorization lists are not supported and are rejected.
/// </summary>
internal static class TempoTransactionDecoder
{
    public static DecodedTempoTransaction Decode(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < 2 || envelope[0] is not (TempoTransaction.TypeByte or TempoTransaction.FeePayerMagic))
        {
            throw new FormatException("Not a Tempo envelope (type 0x76 or fee-payer 0x78).");
        }

        var handoff = envelope[0] == TempoTransaction.FeePayerMagic;
        var fields = RlpReader.Decode(envelope[1..]).AsList();
        if (fields.Count is < 13 or > 14)
        {
            throw new FormatException($"A Tempo envelope has 13 fields and an optional signature; found {fields.Count}.");
        }

        if (fields[12].AsList().Count != 0)
        {
            throw new FormatException("Authorization lists are not supported.");
        }

        TempoSignature? signature = fields.Count == 14 ? TempoSignature.FromRsv(fields[13].AsBytes()) : null;

        var slot = fields[11];
        var feePayer = false;
        TempoSignature? feePayerSignature = null;
        string? sender = null;
        if (slot.IsList)
        {
            var tuple = slot.AsList();
            if (tuple.Count != 3)
            {
                throw new FormatException("A fee-payer signature is [yParity, r, s].");
            }

            feePayerSignature = new TempoSignature(tuple[1].AsBytes(), tuple[2].AsBytes(), (int)Quantity(tuple[0]));
        }
        else
        {
            var bytes = slot.AsBytes();
            if (bytes.Length == 1 && bytes[0] == 0)
            {
                feePayer = true;
            }
            else if (bytes.Length == 20)
            {
                feePayer = true;
                sender = Hex.Encode(bytes);
            }
            else if (bytes.Length != 0)
            {
                throw new FormatException("Unexpected fee-payer slot.");
            }
        }

        if (handoff && sender is null)
        {
            throw new FormatException("A 0x78 hand-off carries the sender address in the fee-payer slot.");
        }

        var transaction = new TempoTransaction
        {
            ChainId = (ulong)Quantity(fields[0]),
            MaxPriorityFeePerGas = Quantity(fields[1]),
            MaxFeePerGas = Quantity(fields[2]),
            Gas = (ulong)Quantity(fields[3]),
            Calls = [.. fields[4].AsList().Select(ReadCall)],
            AccessList = [.. fields[5].AsList().Select(ReadAccess)],
            NonceKey = Quantity(fields[6]),
            Nonce = (ulong)Quantity(fields[7]),
            ValidBefore = OptionalQuantity(fields[8]),
            ValidAfter = OptionalQuantity(fields[9]),
            FeeToken = fields[10].AsBytes() is { Length: 20 } token ? Hex.Encode(token) : Empty(fields[10], "fee token"),
            FeePayer = feePayer,
            FeePayerSignature = feePayerSignature,
        };
        return new DecodedTempoTransaction(transaction, signature, sender);
    }

    private static TempoCall ReadCall(RlpItem item)
    {
        var call = item.AsList();
        if (call.Count != 3)
        {
            throw new FormatException("A call is [to, value, input].");
        }

        var to = call[0].AsBytes();
        if (to.Length is not (0 or 20))
        {
            throw new FormatException("A call target is 20 bytes or empty.");
        }

        return new TempoCall(to.Length == 0 ? null : Hex.Encode(to), Quantity(call[1]), call[2].AsBytes());
    }

    private static TempoAccessListEntry ReadAccess(RlpItem item)
    {
        var entry = item.AsList();
        if (entry.Count != 2)
        {
            throw new FormatException("An access list entry is [address, storageKeys].");
        }

        return new TempoAccessListEntry(Hex.Encode(entry[0].AsBytes()), [.. entry[1].AsList().Select(k => Hex.Encode(k.AsBytes()))]);
    }

    private static BigInteger Quantity(RlpItem item)
    {
        var bytes = item.AsBytes();
        if (bytes.Length > 32)
        {
            throw new FormatException("An integer is at most 32 bytes.");
        }

        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new FormatException("Non-canonical integer: leading zero.");
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static ulong? OptionalQuantity(RlpItem item) => item.AsBytes().Length == 0 ? null : (ulong)Quantity(item);

    private static string? Empty(RlpItem item, string what) =>
        item.AsBytes().Length == 0 ? null : throw new FormatException($"Unexpected {what}.");
}
