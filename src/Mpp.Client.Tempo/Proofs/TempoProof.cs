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
/// built with Nethereum.Signer.EIP712 (<see cref="Eip712TypedDataSigner.EncodeTypedDataRaw"/>) and signed as 65 bytes
/// r ‖ s ‖ v (v = 27/28), the form viem's <c>signTypedData</c> returns.
/// </summary>
internal static class TempoProof
{
    public const string DomainName = "MPP";

    public const string PrimaryType = "Proof";

    /// <summary>The EIP-712 digest: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)).</summary>
    public static byte[] Hash(TempoProofVersion version, ulong chainId, string challengeId, string realm, string? account)
    {
        var encoded = Eip712TypedDataSigner.Current.EncodeTypedDataRaw(TypedData(version, chainId, challengeId, realm, account));
        return Keccak.Hash(encoded);
    }

    /// <summary>Signs the proof; for <see cref="TempoProofVersion.V3"/> the bound account is the key's address.</summary>
    public static string Sign(TempoPrivateKey key, ulong chainId, string challengeId, string realm, TempoProofVersion version = TempoProofVersion.V3)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(version, chainId, challengeId, realm, version == TempoProofVersion.V3 ? key.Address : null);
        return Hex.Encode(key.SignHash(hash).ToRsv());
    }

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
