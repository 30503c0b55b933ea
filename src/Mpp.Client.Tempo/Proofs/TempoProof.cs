using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Nethereum.ABI.EIP712;
using Nethereum.Signer.EIP712;

namespace Mpp.Client.Tempo.Proofs;

/// <summary>
/// The zero-amount proof: an EIP-712 signature over the challenge (mppx 0.11.0 <c>dist/tempo/client/Charge.js</c>,
/// amount 0 → <c>signTypedData(Proof.typedData(…))</c>, payload <c>{ type: "proof", signature }</c>). The digest is
/// the EIP-712 hash of the typed data <see cref="TypedData"/> describes, signed as 65 bytes r ‖ s ‖ v (v = 27/28), the
/// form viem's <c>signTypedData</c> returns.
/// </summary>
internal static class TempoProof
{
    public const string DomainName = "MPP";

    public const string PrimaryType = "Proof";

    private const string DomainTypeSignature = "EIP712Domain(string name,string version,uint256 chainId)";

    private const string ProofV3Type = "Proof(address account,string challengeId,string realm)";

    private const string ProofV2Type = "Proof(string challengeId,string realm)";

    /// <summary>
    /// The EIP-712 digest: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), written out for the two fixed
    /// shapes (EIP-712 "Specification of the eth_signTypedData JSON RPC", encodeData: a string member is the keccak of
    /// its UTF-8 bytes, an address and a uint256 one 32-byte word each). It equals Nethereum.Signer.EIP712's
    /// <see cref="Eip712TypedDataSigner.EncodeTypedDataRaw"/> over <see cref="TypedData"/> (the tests compare both for
    /// many inputs, and viem's hashTypedData), at a small fraction of its cost.
    /// </summary>
    public static byte[] Hash(TempoProofVersion version, ulong chainId, string challengeId, string realm, string? account)
    {
        ArgumentNullException.ThrowIfNull(challengeId);
        ArgumentNullException.ThrowIfNull(realm);
        var proofType = version switch
        {
            TempoProofVersion.V3 => account is null
                ? throw new ArgumentNullException(nameof(account), "A v3 proof binds the payer's account.")
                : ProofV3Type,
            TempoProofVersion.V2 => ProofV2Type,
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown proof version."),
        };

        // domainSeparator = keccak256(typeHash ‖ keccak256(name) ‖ keccak256(version) ‖ uint256(chainId))
        Span<byte> domain = stackalloc byte[4 * 32];
        Keccak.Hash(DomainTypeSignature).CopyTo(domain);
        Keccak.Hash(DomainName).CopyTo(domain[32..]);
        Keccak.Hash(((int)version).ToString(CultureInfo.InvariantCulture)).CopyTo(domain[64..]);
        BinaryPrimitives.WriteUInt64BigEndian(domain[(128 - 8)..], chainId);

        // hashStruct(message) = keccak256(typeHash ‖ [uint256(account)] ‖ keccak256(challengeId) ‖ keccak256(realm))
        var words = version == TempoProofVersion.V3 ? 4 : 3;
        Span<byte> message = stackalloc byte[4 * 32];
        message = message[..(words * 32)];
        message.Clear();
        Keccak.Hash(proofType).CopyTo(message);
        if (version == TempoProofVersion.V3)
        {
            EvmAddress.ToBytes(account!).CopyTo(message[(32 + 12)..]);
        }

        Keccak.Hash(challengeId).CopyTo(message[^64..]);
        Keccak.Hash(realm).CopyTo(message[^32..]);

        Span<byte> digest = stackalloc byte[2 + 32 + 32];
        digest[0] = 0x19;
        digest[1] = 0x01;
        Keccak.Hash(domain).CopyTo(digest[2..]);
        Keccak.Hash(message).CopyTo(digest[34..]);
        return Keccak.Hash(digest);
    }

    /// <summary>Signs the proof; for <see cref="TempoProofVersion.V3"/> the bound account is the key's address.</summary>
    public static string Sign(TempoPrivateKey key, ulong chainId, string challengeId, string realm, TempoProofVersion version = TempoProofVersion.V3)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(version, chainId, challengeId, realm, version == TempoProofVersion.V3 ? key.Address : null);
        return Hex.Encode(key.SignHash(hash).ToRsv());
    }

    /// <summary>The proof as Nethereum typed data: the shape <see cref="Hash"/> encodes, which the tests hash with
    /// Nethereum.Signer.EIP712 to cross-check it.</summary>
    internal static TypedDataRaw TypedData(TempoProofVersion version, ulong chainId, string challengeId, string realm, string? account)
    {
        ArgumentNullException.ThrowIfNull(challengeId);
        ArgumentNullException.ThrowIfNull(realm);
        var domainTypes = new[]
        {
            new MemberDescription { Name = "name", Type = "string" },
            new MemberDescription { Name = "version", Type = "string" },
            new MemberDescription { Name = "chainId", Type = "uint256" },
        };
        var domainValues = new[]
        {
            new MemberValue { TypeName = "string", Value = DomainName },
            new MemberValue { TypeName = "string", Value = ((int)version).ToString(CultureInfo.InvariantCulture) },
            new MemberValue { TypeName = "uint256", Value = new BigInteger(chainId) },
        };

        MemberDescription[] proofTypes;
        MemberValue[] message;
        switch (version)
        {
            case TempoProofVersion.V3:
                if (account is null)
                {
                    throw new ArgumentNullException(nameof(account), "A v3 proof binds the payer's account.");
                }

                proofTypes =
                [
                    new MemberDescription { Name = "account", Type = "address" },
                    new MemberDescription { Name = "challengeId", Type = "string" },
                    new MemberDescription { Name = "realm", Type = "string" },
                ];
                message =
                [
                    new MemberValue { TypeName = "address", Value = EvmAddress.Normalize(account) },
                    new MemberValue { TypeName = "string", Value = challengeId },
                    new MemberValue { TypeName = "string", Value = realm },
                ];
                break;
            case TempoProofVersion.V2:
                proofTypes =
                [
                    new MemberDescription { Name = "challengeId", Type = "string" },
                    new MemberDescription { Name = "realm", Type = "string" },
                ];
                message =
                [
                    new MemberValue { TypeName = "string", Value = challengeId },
                    new MemberValue { TypeName = "string", Value = realm },
                ];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown proof version.");
        }

        return new TypedDataRaw
        {
            Types = new Dictionary<string, MemberDescription[]>(StringComparer.Ordinal)
            {
                ["EIP712Domain"] = domainTypes,
                [PrimaryType] = proofTypes,
            },
            PrimaryType = PrimaryType,
            DomainRawValues = domainValues,
            Message = message,
        };
    }
}
