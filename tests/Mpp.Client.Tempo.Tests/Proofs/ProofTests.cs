using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Tests.Helpers;

namespace Mpp.Client.Tempo.Tests.Proofs;

/// <summary>The zero-amount proof, signed with Nethereum.Signer.EIP712 and recovered with viem.</summary>
public sealed class ProofTests
{
    [Fact]
    public async Task V3_proof_is_recovered_by_viem_to_our_address()
    {
        var key = Samples.Key;
        var signature = TempoProof.Sign(key, TempoChains.TestnetChainId, "proof-challenge-id", "api.example.com");
        Assert.Equal(132, signature.Length);

        var viem = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "recoverProof",
            ["version"] = 3,
            ["chainId"] = (long)TempoChains.TestnetChainId,
            ["challengeId"] = "proof-challenge-id",
            ["realm"] = "api.example.com",
            ["account"] = key.Address,
            ["signature"] = signature,
        });

        Assert.Equal(key.Address, viem["address"].Str());
        Assert.Equal(viem["hash"].Str(), Hex.Encode(TempoProof.Hash(TempoProofVersion.V3, TempoChains.TestnetChainId, "proof-challenge-id", "api.example.com", key.Address)));
    }

    [Fact]
    public async Task V2_proof_in_the_vectors_shape_is_recovered_by_viem()
    {
        var vector = VectorFiles.Scenario("tempo-proof.json", "zero_amount_proof_shape");
        var input = vector["input"]!;
        var expected = vector["expected"]!["value"]!;
        Assert.Equal("MPP", expected["domain"]!["name"].Str());
        Assert.Equal("2", expected["domain"]!["version"].Str());
        Assert.Equal(["challengeId", "realm"], expected["types"]!["Proof"]!.AsArray().Select(f => f!["name"].Str()));

        var chainId = input["chainId"]!.GetValue<ulong>();
        var typed = TempoProof.TypedData(TempoProofVersion.V2, chainId, input["challengeId"].Str(), input["realm"].Str(), null);
        Assert.Equal(expected["domain"]!["version"].Str(), typed.DomainRawValues[1].Value);
        Assert.Equal(expected["primaryType"].Str(), typed.PrimaryType);
        Assert.Equal(expected["types"]!["Proof"]!.AsArray().Select(f => f!["type"].Str()), typed.Types["Proof"].Select(m => m.Type));

        var signature = TempoProof.Sign(Samples.Key, chainId, input["challengeId"].Str(), input["realm"].Str(), TempoProofVersion.V2);
        var viem = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "recoverProof",
            ["version"] = 2,
            ["chainId"] = (long)chainId,
            ["challengeId"] = input["challengeId"].Str(),
            ["realm"] = input["realm"].Str(),
            ["signature"] = signature,
        });
        Assert.Equal(Samples.Key.Address, viem["address"].Str());
    }

    [Fact]
    public void V2_and_v3_digests_differ_and_v3_binds_the_account()
    {
        var v2 = TempoProof.Hash(TempoProofVersion.V2, 4217, "c", "r", null);
        var v3 = TempoProof.Hash(TempoProofVersion.V3, 4217, "c", "r", Samples.Key.Address);
        var v3Other = TempoProof.Hash(TempoProofVersion.V3, 4217, "c", "r", Samples.SplitPayee);
        Assert.NotEqual(v2, v3);
        Assert.NotEqual(v3, v3Other);
        Assert.Throws<ArgumentNullException>(() => TempoProof.Hash(TempoProofVersion.V3, 4217, "c", "r", null));
    }
}
