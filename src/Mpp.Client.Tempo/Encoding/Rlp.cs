using System.Numerics;
using NethereumRlp = Nethereum.RLP.RLP;

namespace Mpp.Client.Tempo.Encoding;

/// <summary>
/// RLP items built on Nethereum.RLP. Nethereum encodes the one-byte string <c>0x00</c> as the empty string
/// (<c>0x80</c>); canonical RLP (alloy_rlp in tempoxyz/tempo, ox's <c>Rlp.fromHex</c>) encodes it as the byte itself, so
/// that case is written here directly (the Tempo fee-payer placeholder is exactly that byte).
/// </summary>
internal static class Rlp
{
    /// <summary>The empty string, <c>0x80</c> (alloy_rlp's EMPTY_STRING_CODE).</summary>
    public const byte EmptyString = 0x80;

    public static byte[] Bytes(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] == 0)
        {
            return [0x00];
        }

        return NethereumRlp.EncodeElement(value.ToArray());
    }

    /// <summary>An unsigned integer as a big-endian string without leading zeros; zero is the empty string.</summary>
    public static byte[] Quantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "RLP quantities are unsigned.");
        }

        return value.IsZero ? [EmptyString] : NethereumRlp.EncodeElement(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    public static byte[] Quantity(ulong value) => Quantity(new BigInteger(value));

    public static byte[] List(params byte[][] encodedItems) => NethereumRlp.EncodeList(encodedItems);

    public static byte[] List(IEnumerable<byte[]> encodedItems) => NethereumRlp.EncodeList([.. encodedItems]);
}
