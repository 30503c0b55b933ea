using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Tests.Helpers;
using Nethereum.Signer.EIP712;

namespace Mpp.Client.Tempo.Tests.Proofs;

/// <summary>
/// <see cref="TempoProof.Hash"/> writes the EIP-712 encoding of the two proof shapes out by hand; Nethereum.Signer.EIP712's
/// general encoder over the same typed data must give the same digest for every version, chain id and string.
/// </summary>
public sealed class ProofHashCrossCheckTests
{
    public static TheoryData<string, string> Strings => new()
    {
        { "proof-challenge-id", "api.example.com" },
        { string.Empty, string.Empty },
        { "kM9xPqWvT2nJrHsY4aDfEgUiOl8", "https://päy.example/チャレンジ?q=1&r=\"x\"" },
        { new string('c', 1000), "emoji 🙂 realm" },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void Hand_written_encoding_equals_Nethereum_typed_data_encoding(string challengeId, string realm)
    {
        foreach (var chainId in new ulong[] { 1, 4217, 42431, ulong.MaxValue })
        {
            foreach (var (version, account) in new[] { (TempoProofVersion.V3, Samples.Key.Address), (TempoProofVersion.V3, Samples.Payee), (TempoProofVersion.V2, (string?)null) })
            {
                var typed = TempoProof.TypedData(version, chainId, challengeId, realm, account);
                var expected = Keccak.Hash(Eip712TypedDataSigner.Current.EncodeTypedDataRaw(typed));

                Assert.Equal(Hex.Encode(expected), Hex.Encode(TempoProof.Hash(version, chainId, challengeId, realm, account)));
            }
        }
    }

    [Fact]
    public void Unknown_version_and_bad_account_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TempoProof.Hash((TempoProofVersion)4, 1, "c", "r", Samples.Payee));
        Assert.Throws<FormatException>(() => TempoProof.Hash(TempoProofVersion.V3, 1, "c", "r", "0x1234"));
    }
}
