using Mpp.Client.Tempo.Encoding;
using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Mpp.Client.Tempo.Keys;

/// <summary>The account address of a secp256k1 public key (Ethereum's rule, which Tempo keeps).</summary>
internal static class TempoAddresses
{
    /// <summary>keccak256(uncompressed public key without its 0x04 prefix)[12..], EIP-55 checksummed (Nethereum's
    /// <see cref="AddressUtil.ConvertToChecksumAddress(string)"/>).</summary>
    public static string Of(ECPubKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(compressed: false, uncompressed, out _);
        return Of(uncompressed);
    }

    /// <summary>The address of a 65-byte uncompressed public key (0x04 ‖ x ‖ y), EIP-55 checksummed.</summary>
    public static string Of(ReadOnlySpan<byte> uncompressed) => AddressUtil.Current.ConvertToChecksumAddress(LowerOf(uncompressed));

    /// <summary>The address of a 65-byte uncompressed public key, lower-case 0x hex.</summary>
    public static string LowerOf(ReadOnlySpan<byte> uncompressed)
    {
        if (uncompressed.Length != 65 || uncompressed[0] != 0x04)
        {
            throw new ArgumentException("An uncompressed public key is 65 bytes starting with 0x04.", nameof(uncompressed));
        }

        return Hex.Encode(Keccak.Hash(uncompressed[1..]).AsSpan(12));
    }
}
