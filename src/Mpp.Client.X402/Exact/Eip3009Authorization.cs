using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.X402.Exact;

/// <summary>
/// An EIP-3009 <c>TransferWithAuthorization</c> and its EIP-712 digest under the token's domain
/// (<c>name</c>, <c>version</c>, chain id, the token as verifying contract), as @x402/evm's exact client signs it.
/// </summary>
internal sealed record Eip3009Authorization(string From, string To, BigInteger Value, long ValidAfter, long ValidBefore, byte[] Nonce)
{
    private static readonly byte[] DomainTypeHash =
        Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    private static readonly byte[] TransferTypeHash =
        Keccak.Hash("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)");

    /// <summary>The EIP-712 domain separator of a token.</summary>
    public static byte[] DomainSeparator(string name, string version, long chainId, string verifyingContract)
    {
        Span<byte> data = stackalloc byte[5 * 32];
        data.Clear();
        DomainTypeHash.CopyTo(data);
        Keccak.Hash(name).CopyTo(data[32..]);
        Keccak.Hash(version).CopyTo(data[64..]);
        WriteUInt256(data.Slice(96, 32), chainId);
        EvmAddress.ToBytes(verifyingContract).CopyTo(data[(128 + 12)..]);
        return Keccak.Hash(data);
    }

    /// <summary>keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(authorization)).</summary>
    public byte[] Digest(ReadOnlySpan<byte> domainSeparator)
    {
        Span<byte> data = stackalloc byte[7 * 32];
        data.Clear();
        TransferTypeHash.CopyTo(data);
        EvmAddress.ToBytes(From).CopyTo(data[(32 + 12)..]);
        EvmAddress.ToBytes(To).CopyTo(data[(64 + 12)..]);
        if (Value.Sign < 0 || Value.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(Value), "The value must fit a uint256.");
        }

        Value.TryWriteBytes(data.Slice(96 + 32 - Value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        WriteUInt256(data.Slice(128, 32), ValidAfter);
        WriteUInt256(data.Slice(160, 32), ValidBefore);
        Nonce.CopyTo(data[192..]);
        var structHash = Keccak.Hash(data);

        Span<byte> envelope = stackalloc byte[66];
        envelope[0] = 0x19;
        envelope[1] = 0x01;
        domainSeparator.CopyTo(envelope[2..]);
        structHash.CopyTo(envelope[34..]);
        return Keccak.Hash(envelope);
    }

    private static void WriteUInt256(Span<byte> slot, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(slot[24..], value);
    }
}
