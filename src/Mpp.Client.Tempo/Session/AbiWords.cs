using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Solidity ABI words (32 bytes each) for the fixed shapes the escrow uses: addresses left-padded, bytes32 as is,
/// unsigned integers big-endian. Readers accept only the canonical form (zero padding, value within its bit width), as
/// a decoder that checks nothing would let two encodings name one call.
/// </summary>
internal static class AbiWords
{
    public const int Size = 32;

    public static void WriteAddress(Span<byte> word, string address)
    {
        word[..12].Clear();
        EvmAddress.ToBytes(address).CopyTo(word[12..]);
    }

    public static void WriteBytes32(Span<byte> word, string hex, string label)
    {
        var bytes = Bytes32(hex, label);
        bytes.CopyTo(word);
    }

    public static void WriteUInt(Span<byte> word, BigInteger value, int bits, string label)
    {
        if (value.Sign < 0 || value.GetBitLength() > bits)
        {
            throw new ArgumentOutOfRangeException(label, $"The {label} must be an unsigned integer of at most {bits} bits.");
        }

        word.Clear();
        if (!value.IsZero)
        {
            var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
            bytes.CopyTo(word[(Size - bytes.Length)..]);
        }
    }

    public static string ReadAddress(ReadOnlySpan<byte> word, string label)
    {
        if (word[..12].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new FormatException($"The ABI word for {label} is not a left-padded address.");
        }

        return Hex.Encode(word[12..Size]);
    }

    public static string ReadBytes32(ReadOnlySpan<byte> word) => Hex.Encode(word[..Size]);

    public static BigInteger ReadUInt(ReadOnlySpan<byte> word, int bits, string label)
    {
        var value = new BigInteger(word[..Size], isUnsigned: true, isBigEndian: true);
        if (value.GetBitLength() > bits)
        {
            throw new FormatException($"The ABI word for {label} exceeds {bits} bits.");
        }

        return value;
    }

    /// <summary>A bytes32 given as 0x + 64 hex digits (any case).</summary>
    public static byte[] Bytes32(string hex, string label)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 66 || !hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"The {label} is not 0x-prefixed bytes32 hex.");
        }

        try
        {
            return Hex.Decode(hex);
        }
        catch (FormatException e)
        {
            throw new FormatException($"The {label} is not 0x-prefixed bytes32 hex.", e);
        }
    }

    /// <summary>Normalises a bytes32 hex string to lower case, checking its shape.</summary>
    public static string NormalizeBytes32(string hex, string label) => Hex.Encode(Bytes32(hex, label));

    /// <summary>Checks the selector and the exact length of call data, returning the argument words.</summary>
    public static ReadOnlySpan<byte> Arguments(ReadOnlySpan<byte> data, ReadOnlySpan<byte> selector, int minWords, string function)
    {
        if (data.Length < 4 || !data[..4].SequenceEqual(selector))
        {
            throw new FormatException($"The call data is not a {function} call (selector mismatch).");
        }

        var args = data[4..];
        if (args.Length % Size != 0 || args.Length < minWords * Size)
        {
            throw new FormatException($"The {function} call data has the wrong length.");
        }

        return args;
    }

    /// <summary>Writes a dynamic <c>bytes</c> tail (length word + zero-padded data).</summary>
    public static int TailLength(int byteCount) => Size + ((byteCount + Size - 1) / Size * Size);

    public static void WriteBytesTail(Span<byte> tail, ReadOnlySpan<byte> bytes)
    {
        WriteUInt(tail, bytes.Length, 64, "bytes length");
        bytes.CopyTo(tail[Size..]);
    }

    /// <summary>Reads a dynamic <c>bytes</c> argument whose offset word is at <paramref name="offsetWord"/>; the tail must
    /// end exactly where <paramref name="args"/> ends and be zero-padded.</summary>
    public static byte[] ReadBytesTail(ReadOnlySpan<byte> args, int offsetWord, int headWords, string label)
    {
        var offset = ReadUInt(args[(offsetWord * Size)..], 32, label + " offset");
        if (offset != headWords * Size)
        {
            throw new FormatException($"The {label} offset is not canonical.");
        }

        var start = (int)offset;
        if (args.Length < start + Size)
        {
            throw new FormatException($"The {label} length word is missing.");
        }

        var length = ReadUInt(args[start..], 32, label + " length");
        if (length > args.Length || start + TailLength((int)length) != args.Length)
        {
            throw new FormatException($"The {label} length does not match the call data.");
        }

        var data = args.Slice(start + Size, (int)length);
        if (args[(start + Size + (int)length)..].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new FormatException($"The {label} padding is not zero.");
        }

        return data.ToArray();
    }
}
