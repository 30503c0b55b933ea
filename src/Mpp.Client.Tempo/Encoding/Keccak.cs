using Nethereum.Util;

namespace Mpp.Client.Tempo.Encoding;

/// <summary>Keccak-256 (the pre-standard SHA-3 Ethereum uses), from Nethereum.Util.</summary>
internal static class Keccak
{
    public static byte[] Hash(ReadOnlySpan<byte> data) => Sha3Keccack.Current.CalculateHash(data.ToArray());

    public static byte[] Hash(string utf8) => Hash(System.Text.Encoding.UTF8.GetBytes(utf8));
}
