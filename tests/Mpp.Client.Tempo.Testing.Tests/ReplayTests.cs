using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Testing.Tests.Support;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>A transaction or hash accepted once does not pay a second challenge, in any mode.</summary>
public sealed class ReplayTests
{
    // A memo fixed by the server (not bound to the challenge id) makes one transaction fit two challenges, so only the
    // replay rule stands between them.
    private static readonly string FixedMemo = Hex.Encode([.. new byte[31], 0x07]);

    [Fact]
    public async Task A_hash_accepted_once_is_refused_the_second_time()
    {
        await using var h = await VerifierHarness.StartAsync();
        var details = new { chainId = h.Chain.ChainId, memo = FixedMemo };
        var (path1, first) = await h.ChallengeAsync("1000", details);
        var (path2, second) = await h.ChallengeAsync("1000", details);
        var hash = await h.BroadcastAsync(h.Transfer([VerifierHarness.Call(h.Recipient, 1000, Hex.Decode(FixedMemo))]));

        Assert.True((await h.PresentAsync(path1, first, new { type = "hash", hash })).Succeeded);
        Refusal.Assert(await h.PresentAsync(path2, second, new { type = "hash", hash = hash.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal) }), "already used to pay");
        Assert.Single(h.Server.Payments);
    }

    [Fact]
    public async Task A_transaction_accepted_once_is_refused_the_second_time_without_a_second_broadcast()
    {
        await using var h = await VerifierHarness.StartAsync();
        var details = new { chainId = h.Chain.ChainId, memo = FixedMemo };
        var (path1, first) = await h.ChallengeAsync("1000", details);
        var (path2, second) = await h.ChallengeAsync("1000", details);
        var signed = h.Transfer([VerifierHarness.Call(h.Recipient, 1000, Hex.Decode(FixedMemo))]).Sign(h.Payer).ToHex();

        Assert.True((await h.PresentTransactionAsync(path1, first, signed)).Succeeded);
        Refusal.Assert(await h.PresentTransactionAsync(path2, second, signed), "this transaction was already used to pay");
        Assert.Equal(1, h.Chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(new BigInteger(1000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
    }

    [Fact]
    public async Task The_hash_of_a_transaction_settled_by_pull_is_refused_as_push()
    {
        await using var h = await VerifierHarness.StartAsync();
        var details = new { chainId = h.Chain.ChainId, memo = FixedMemo };
        var (path1, first) = await h.ChallengeAsync("1000", details);
        var (path2, second) = await h.ChallengeAsync("1000", details);
        var pulled = await h.PresentTransactionAsync(path1, first, h.Transfer([VerifierHarness.Call(h.Recipient, 1000, Hex.Decode(FixedMemo))]).Sign(h.Payer).ToHex());

        Refusal.Assert(await h.PresentAsync(path2, second, new { type = "hash", hash = pulled.Receipt!.Reference }), "already used to pay");
    }

    [Fact]
    public async Task A_sponsored_transaction_is_one_payment_whichever_form_it_comes_in()
    {
        await using var h = await VerifierHarness.StartAsync();
        var details = new { chainId = h.Chain.ChainId, memo = FixedMemo, feePayer = true };
        var (path1, first) = await h.ChallengeAsync("1000", details);
        var (path2, second) = await h.ChallengeAsync("1000", details);
        var tx = h.Transfer([VerifierHarness.Call(h.Recipient, 1000, Hex.Decode(FixedMemo))], feePayer: true);
        var signed = tx.Sign(h.Payer);
        var handoff = Hex.Encode(tx.EncodeFeePayerHandoff(signed.Signature, h.Payer.Address));

        Assert.True((await h.PresentTransactionAsync(path1, first, handoff)).Succeeded);
        Refusal.Assert(await h.PresentTransactionAsync(path2, second, signed.ToHex()), "this transaction was already used to pay");
        Assert.Equal(1, h.Chain.CountOf("eth_sendRawTransaction"));
    }
}
