using System.Globalization;
using System.Numerics;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>Ethereum JSON-RPC quantities: 0x-prefixed hex without leading zeros (0x0 for zero).</summary>
internal static class RpcQuantity
{
    public static string Format(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A quantity is unsigned.");
        }

        if (value.IsZero)
        {
            return "0x0";
        }

        var hex = Convert.ToHexStringLower(value.ToByteArray(isUnsigned: true, isBigEndian: true)).TrimStart('0');
        return "0x" + hex;
    }

    /// <summary>Parses a quantity of at most 256 bits; false for anything else.</summary>
    public static bool TryParse(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (text is null || text.Length < 3 || text.Length > 66 || !text.StartsWith("0x", StringComparison.Ordinal))
        {
            return false;
        }

        return BigInteger.TryParse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
