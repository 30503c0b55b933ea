namespace Mpp.Client.Tempo.Encoding;

/// <summary>
/// A strict RLP decoder (canonical forms only: no leading zero in lengths, short forms where they fit, a one-byte string
/// below 0x80 written as itself). Kept beside the encoder because Nethereum's decoder does not tell the byte 0x00 from
/// the empty string, which the Tempo fee-payer placeholder needs.
/// </summary>
internal static class RlpReader
{
    public static RlpItem Decode(ReadOnlySpan<byte> data)
    {
        var position = 0;
        var item = Read(data, ref position);
        if (position != data.Length)
        {
            throw new FormatException("Trailing bytes after the RLP item.");
        }

        return item;
    }

    private static RlpItem Read(ReadOnlySpan<byte> data, ref int position)
    {
        if (position >= data.Length)
        {
            throw new FormatException("RLP input ends early.");
        }

        var prefix = data[position];
        if (prefix < 0x80)
        {
            position++;
            return RlpItem.String([prefix]);
        }

        if (prefix <= 0xb7)
        {
            var length = prefix - 0x80;
            position++;
            var bytes = Take(data, ref position, length);
            if (length == 1 && bytes[0] < 0x80)
            {
                throw new FormatException("Non-canonical RLP: a single byte below 0x80 must be written as itself.");
            }

            return RlpItem.String(bytes);
        }

        if (prefix <= 0xbf)
        {
            position++;
            var length = ReadLength(data, ref position, prefix - 0xb7);
            return RlpItem.String(Take(data, ref position, length));
        }

        int payload;
        if (prefix <= 0xf7)
        {
            position++;
            payload = prefix - 0xc0;
        }
        else
        {
            position++;
            payload = ReadLength(data, ref position, prefix - 0xf7);
        }

        var end = position + payload;
        if (payload < 0 || end > data.Length)
        {
            throw new FormatException("RLP list runs past the input.");
        }

        var items = new List<RlpItem>();
        while (position < end)
        {
            items.Add(Read(data[..end], ref position));
        }

        return RlpItem.List(items);
    }

    private static int ReadLength(ReadOnlySpan<byte> data, ref int position, int lengthOfLength)
    {
        if (lengthOfLength > 4 || position + lengthOfLength > data.Length || data[position] == 0)
        {
            throw new FormatException("Bad RLP length.");
        }

        var length = 0;
        for (var i = 0; i < lengthOfLength; i++)
        {
            length = checked((length << 8) | data[position + i]);
        }

        position += lengthOfLength;
        if (length < 56)
        {
            throw new FormatException("Non-canonical RLP: a long form for a short length.");
        }

        return length;
    }

    private static byte[] Take(ReadOnlySpan<byte> data, ref int position, int length)
    {
        if (length < 0 || position + length > data.Length)
        {
            throw new FormatException("RLP string runs past the input.");
        }

        var bytes = data.Slice(position, length).ToArray();
        position += length;
        return bytes;
    }
}
