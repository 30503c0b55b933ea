namespace Mpp.Client.Tempo.Encoding;

/// <summary>Lower-case 0x-prefixed hex, the form ox and viem print.</summary>
internal static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static byte[] Decode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        if (digits.Length % 2 != 0)
        {
            throw new FormatException("Hex text must have an even number of digits.");
        }

        return Convert.FromHexString(digits);
    }
}
