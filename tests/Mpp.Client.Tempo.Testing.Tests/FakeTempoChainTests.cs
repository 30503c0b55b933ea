using System.Numerics;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Testing.Tests.Support;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>The public fake chain: what it knows by default, what it recovers rather than trusts, and its knobs.</summary>
public sealed class FakeTempoChainTests
{
    [Fact]
    public async Task PathUsd_is_known_from_the_start_and_another_token_only_once_added()
    {
        await using var h = await VerifierHarness.StartAsync();
        var other = "0x20C000000000000000000000b9537d11c60E8b50";
        h.Chain.Fund(other, h.Payer.Address, 1000);
        var tx = h.Transfer([VerifierHarness.Call(h.Recipient, 10, new byte[32], other)]);

        var refused = await Assert.ThrowsAsync<TempoRpcErrorException>(() => h.BroadcastAsync(tx));
        Assert.Contains("not a known TIP-20 token", refused.RpcMessage, StringComparison.Ordinal);
        h.Chain.AddToken(other);
        await h.BroadcastAsync(tx);

        Assert.Equal(new BigInteger(10), h.Chain.BalanceOf(other, h.Recipient));
        Assert.Equal(new BigInteger(990), h.Chain.BalanceOf(other.ToLowerInvariant(), h.Payer.Address));
    }

    [Fact]
    public async Task The_fee_payer_in_a_receipt_is_recovered_from_the_cosignature_not_taken_on_trust()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (_, challenge) = await h.ChallengeAsync("5");
        var sponsored = h.Pays(challenge, 5, feePayer: true);
        var senderSignature = h.Payer.SignHash(sponsored.SignatureHash());
        var feePayer = VerifierHarness.NewKey();
        var signedOver = FeePayerSigning.WithFeePayer(sponsored, false, FakeTempoChain.PathUsd, signature: null);
        var coSignature = feePayer.SignHash(FeePayerSigning.Hash(signedOver, h.Payer.Address));
        var other = "0x20c0000000000000000000000000000000000009";
        h.Chain.AddToken(other);
        // The same co-signature under another fee token: it no longer recovers to the fee payer.
        var tampered = FeePayerSigning.WithFeePayer(sponsored, false, other, coSignature).Encode(senderSignature);
        var honest = FeePayerSigning.WithFeePayer(sponsored, false, FakeTempoChain.PathUsd, coSignature).Encode(senderSignature);

        var tamperedHash = Hex.Encode(await h.Chain.Rpc.SendRawTransactionAsync(tampered, CancellationToken.None));
        h.Chain.Fund(FakeTempoChain.PathUsd, h.Payer.Address, 5);
        var honestHash = Hex.Encode(await h.Chain.Rpc.SendRawTransactionAsync(honest, CancellationToken.None));

        Assert.NotEqual(feePayer.Address.ToLowerInvariant(), (string?)h.Chain.Receipt(tamperedHash)!["feePayer"]);
        Assert.Equal(feePayer.Address.ToLowerInvariant(), (string?)h.Chain.Receipt(honestHash)!["feePayer"]);
        Assert.Equal(h.Payer.Address.ToLowerInvariant(), (string?)h.Chain.Receipt(honestHash)!["from"]);
    }

    [Fact]
    public async Task A_sponsored_envelope_still_waiting_for_its_fee_payer_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (_, challenge) = await h.ChallengeAsync("5");

        var refused = await Assert.ThrowsAsync<TempoRpcErrorException>(() => h.BroadcastAsync(h.Pays(challenge, 5, feePayer: true)));

        Assert.Contains("fee payer signature missing", refused.RpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reverting_mines_a_failed_receipt_without_logs_or_balance_changes()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (_, challenge) = await h.ChallengeAsync("5");
        h.Chain.RevertTransactions = true;

        var hash = await h.BroadcastAsync(h.Pays(challenge, 5));

        var receipt = h.Chain.Receipt(hash)!;
        Assert.Equal("0x0", (string?)receipt["status"]);
        Assert.Empty(receipt["logs"]!.AsArray());
        Assert.Equal(VerifierHarness.Funds, h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Payer.Address));
    }

    [Fact]
    public async Task The_verifier_registers_like_AddVerifier_and_the_chain_reports_itself()
    {
        await using var chain = await FakeTempoChain.StartAsync(new FakeTimeProvider(VerifierHarness.Start), chainId: 4217);
        var options = new Mpp.Client.Testing.MppTestServerOptions().AddTempoVerifier(chain);
        await using var server = await Mpp.Client.Testing.MppTestServer.StartAsync(options);
        server.MapPaid("/free", new Mpp.Client.Testing.PriceOption("0", FakeTempoChain.PathUsd)
        {
            Method = "tempo",
            Recipient = VerifierHarness.NewKey().Address,
            ExtraRequest = new Dictionary<string, System.Text.Json.JsonElement> { ["methodDetails"] = System.Text.Json.JsonSerializer.SerializeToElement(new { chainId = 4217 }) },
        });
        var challenge = Assert.Single(await server.IssueChallengesAsync("/free"));
        var payer = VerifierHarness.NewKey();
        var proof = Mpp.Client.Protocol.Credential.Create(
            challenge,
            System.Text.Json.JsonSerializer.SerializeToElement(new { type = "proof", signature = Proofs.TempoProof.Sign(payer, 4217, challenge.Id, challenge.Realm) }),
            System.Text.Json.JsonSerializer.SerializeToElement(Attribution.AttributionMemo.Source(4217, payer.Address)));
        Assert.True((await server.VerifyAsync(proof, "/free")).Succeeded);

        Assert.Equal(4217UL, await chain.Rpc.GetChainIdAsync(CancellationToken.None));
        Assert.Equal(1, chain.CountOf("eth_chainId"));
        Assert.Equal($"FakeTempoChain {{ ChainId = 4217, Endpoint = {chain.Endpoint} }}", chain.ToString());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FakeTempoChain.StartAsync(chainId: 0));
    }

    [Fact]
    public async Task A_balanceOf_read_answers_eth_call_only_and_is_no_gas_estimate()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var owner = "0x" + new string('1', 40);
        chain.Fund(TempoChains.PathUsd, owner, 1234);
        using var http = new HttpClient();
        var data = "0x70a08231" + new string('0', 24) + owner[2..];

        async Task<string> Rpc(string method)
        {
            var body = $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":[{"to":"{{TempoChains.PathUsd}}","data":"{{data}}"},"latest"]}""";
            using var response = await http.PostAsync(chain.Endpoint, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("\"result\":\"0x" + new string('0', 60) + "04d2\"", await Rpc("eth_call"), StringComparison.Ordinal);
        Assert.Contains("\"code\":-32602", await Rpc("eth_estimateGas"), StringComparison.Ordinal);
    }
}
