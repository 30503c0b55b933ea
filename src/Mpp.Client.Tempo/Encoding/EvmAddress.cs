namespace Mpp.Client.Tempo.Encoding;

/// <summary>Checks and normalises 20-byte EVM addresses written as 0x-prefixed hex (any case in, lower case out).</summary>
internal static class EvmAddress
{
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Length != 42 || !address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !address.AsSpan(2).ContainsOnlyHex())
        {
            throw new FormatException($"'{address}' is not a 20-byte 0x-prefixed hex address.");
        }

        return "0x" + address[2..].ToLowerInvariant();
    }

    public static byte[] ToBytes(string address) => Hex.Decode(Normalize(address));
}

file static class SpanHexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
