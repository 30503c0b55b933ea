using System.Numerics;
using Mpp.Client.Tempo.Testing.Tests.Support;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>draft-tempo-charge-01 § "Hash Verification" and its push limitations.</summary>
public sealed class PushVerificationTests
{
    [Fact]
    public async Task A_hash_whose_receipt_shows_the_transfers_is_settled()
    {
        await using var h = await VerifierHarness.StartAsync();
        var split = VerifierHarness.NewKey().Address;
        var (path, challenge) = await h.ChallengeAsync("1000000", new { chainId = h.Chain.ChainId, splits = new[] { new { amount = "400000", recipient = split } } });
        var memo = VerifierHarness.Attribution(challenge);
        var hash = await h.BroadcastAsync(h.Transfer([VerifierHarness.Call(split, 400_000, memo), VerifierHarness.Call(h.Recipient, 600_000, memo)]));

        var verification = await h.PresentAsync(path, challenge, new { type = "hash", hash });

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(hash, verification.Receipt!.Reference);
        var settlement = Assert.Single(h.Verifier.Settlements);
        Assert.Equal(("hash", h.Payer.Address.ToLowerInvariant(), hash), (settlement.PayloadType, settlement.Payer, settlement.TransactionHash));
    }

    [Fact]
    public async Task A_receipt_paying_less_than_asked_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");
        var hash = await h.BroadcastAsync(h.Pays(challenge, 999));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "the receipt's transfer logs do not pay 1000 to");
    }

    [Fact]
    public async Task A_receipt_paying_another_recipient_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");
        var hash = await h.BroadcastAsync(h.Transfer([VerifierHarness.Call(VerifierHarness.NewKey().Address, 1000, VerifierHarness.Attribution(challenge))]));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "do not pay 1000 to " + h.Recipient);
    }

    [Fact]
    public async Task A_receipt_short_of_a_split_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var split = VerifierHarness.NewKey().Address;
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, splits = new[] { new { amount = "400", recipient = split } } });
        var hash = await h.BroadcastAsync(h.Pays(challenge, 1000));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "do not pay 400 to " + split.ToLowerInvariant());
    }

    [Fact]
    public async Task A_receipt_without_the_required_memo_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");
        var hash = await h.BroadcastAsync(h.Transfer([VerifierHarness.Call(h.Recipient, 1000, new byte[32])]));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "no transfer carries the attribution memo bound to this challenge");
    }

    [Fact]
    public async Task A_reverted_receipt_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");
        h.Chain.RevertTransactions = true;
        var hash = await h.BroadcastAsync(h.Pays(challenge, 1000));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "the transaction reverted (receipt status 0x0)");
        Assert.Equal(BigInteger.Zero, h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
    }

    [Fact]
    public async Task An_unknown_hash_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash = "0x" + new string('a', 64) }), "no receipt");
    }

    [Fact]
    public async Task Push_is_refused_when_the_server_pays_the_fees()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, feePayer = true });
        var hash = await h.BroadcastAsync(h.Pays(challenge, 1000));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "not accepted when the server pays the fees");
        Assert.Equal(1, h.Chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(0, h.Chain.CountOf("eth_getTransactionReceipt"));
    }

    [Fact]
    public async Task Push_is_refused_when_supported_modes_leave_it_out()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, supportedModes = new[] { "pull" } });
        var hash = await h.BroadcastAsync(h.Pays(challenge, 1000));

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash }), "push (a hash credential) is not in the challenge's supportedModes");
    }

    [Fact]
    public async Task A_hash_that_is_not_32_bytes_is_an_invalid_payload()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "hash", hash = "0x1234" }), "32 bytes", Mpp.Client.Protocol.PaymentProblemType.InvalidPayload);
    }
}
