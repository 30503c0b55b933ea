using System.Numerics;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Charge;

/// <summary>CreatePayloadAsync refusals that happen before signing, called directly with a PaymentAttempt.</summary>
public sealed class TempoChargeCreateTests
{
    private static PaymentAttempt Attempt(Challenge challenge, PaymentTerms terms) =>
        new(new PaymentQuote(challenge, terms, new Uri("http://127.0.0.1/x"), new AssetInfo(TempoChains.PathUsd, 6, "usd"), 0.001m), Guid.NewGuid(), new InMemoryPaymentLedger());

    [Fact]
    public async Task A_fee_that_rose_above_the_declared_bound_is_refused_before_signing()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Server.MapPaid("/x", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId }));
        var challenge = Assert.Single(await h.Server.IssueChallengesAsync("/x"));
        var terms = await h.Method.ReadTermsAsync(challenge, CancellationToken.None);
        h.Chain.Chain.BaseFeePerGas *= 2;
        h.Chain.Time.Advance(TimeSpan.FromSeconds(10)); // past the fee cache

        var e = await Assert.ThrowsAsync<PaymentMethodException>(async () => await h.Method.CreatePayloadAsync(Attempt(challenge, terms), CancellationToken.None));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, e.Code);
        Assert.False(e.FundsMayHaveMoved);
    }

    [Fact]
    public async Task A_challenge_for_another_chain_than_the_node_is_refused_before_signing()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Server.MapPaid("/x", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.MainnetChainId, feePayer = true }));
        var challenge = Assert.Single(await h.Server.IssueChallengesAsync("/x"));
        var terms = await h.Method.ReadTermsAsync(challenge, CancellationToken.None); // fee payer: no I/O, no fee

        var e = await Assert.ThrowsAsync<PaymentMethodException>(async () => await h.Method.CreatePayloadAsync(Attempt(challenge, terms), CancellationToken.None));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, e.Code);
        Assert.Contains("chain", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Chain.Chain.CountOf("eth_estimateGas"));
    }

    [Fact]
    public async Task The_payload_is_a_signed_0x76_transaction_with_the_did_pkh_source()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Server.MapPaid("/x", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId }));
        var challenge = Assert.Single(await h.Server.IssueChallengesAsync("/x"));
        var terms = await h.Method.ReadTermsAsync(challenge, CancellationToken.None);

        var payload = await h.Method.CreatePayloadAsync(Attempt(challenge, terms), CancellationToken.None);

        Assert.Equal("transaction", payload.Payload.GetProperty("type").GetString());
        var raw = Hex.Decode(payload.Payload.GetProperty("signature").GetString()!);
        var tx = TempoTransactionDecoder.Decode(raw).Transaction;
        Assert.Equal(TempoNonce.ExpiringKey, tx.NonceKey);
        Assert.Equal(0ul, tx.Nonce);
        Assert.Equal((ulong)h.Chain.Time.GetUtcNow().ToUnixTimeSeconds() + 25, tx.ValidBefore);
        Assert.Equal(65_000ul, tx.Gas);
        Assert.Equal(TempoChains.PathUsd, tx.FeeToken);
        Assert.Equal($"did:pkh:eip155:{TempoChains.TestnetChainId}:{h.Payer}", payload.Source!.Value.GetString());
        Assert.Equal(BigInteger.Parse("845", System.Globalization.CultureInfo.InvariantCulture), terms.Fee!.MaxAmount);
    }
}
