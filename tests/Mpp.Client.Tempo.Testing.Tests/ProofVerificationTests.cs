using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Testing.Tests.Support;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>The zero-amount proof: EIP-712 v3 bound to the account, signer recovered and compared with the source DID.</summary>
public sealed class ProofVerificationTests
{
    [Fact]
    public async Task A_proof_signed_by_the_source_account_is_accepted_with_the_challenge_id_as_reference()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");
        var signature = TempoProof.Sign(h.Payer, h.Chain.ChainId, challenge.Id, challenge.Realm);

        var verification = await h.PresentAsync(path, challenge, new { type = "proof", signature }, AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address));

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(challenge.Id, verification.Receipt!.Reference);
        Assert.Equal(("proof", h.Payer.Address.ToLowerInvariant()), (h.Verifier.Settlements[0].PayloadType, h.Verifier.Settlements[0].Payer));
        Assert.Equal(0, h.Chain.HttpRequestCount);
    }

    [Fact]
    public async Task A_proof_signed_by_another_key_than_the_source_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");
        var signature = TempoProof.Sign(VerifierHarness.NewKey(), h.Chain.ChainId, challenge.Id, challenge.Realm);

        Refusal.Assert(
            await h.PresentAsync(path, challenge, new { type = "proof", signature }, AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address)),
            "the proof is not signed by the source account");
    }

    [Fact]
    public async Task A_proof_for_another_challenge_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");
        var signature = TempoProof.Sign(h.Payer, h.Chain.ChainId, "another-challenge", challenge.Realm);

        Refusal.Assert(
            await h.PresentAsync(path, challenge, new { type = "proof", signature }, AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address)),
            "the proof is not signed by the source account");
    }

    [Fact]
    public async Task An_older_v2_proof_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");
        var signature = TempoProof.Sign(h.Payer, h.Chain.ChainId, challenge.Id, challenge.Realm, TempoProofVersion.V2);

        Refusal.Assert(
            await h.PresentAsync(path, challenge, new { type = "proof", signature }, AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address)),
            "the proof is not signed by the source account");
    }

    public static TheoryData<string?, string> BadSources() => new()
    {
        { null, "a proof needs source" },
        { "did:web:example.com", "a proof needs source" },
        { "did:pkh:eip155:42431:0x1234", "a proof needs source" },
        { "did:pkh:eip155:4217:{payer}", "the proof's source names another chain" },
    };

    [Theory]
    [MemberData(nameof(BadSources))]
    public async Task A_proof_without_a_usable_source_is_refused(string? source, string detail)
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");
        var signature = TempoProof.Sign(h.Payer, h.Chain.ChainId, challenge.Id, challenge.Realm);

        Refusal.Assert(await h.PresentAsync(path, challenge, new { type = "proof", signature }, source?.Replace("{payer}", h.Payer.Address, StringComparison.Ordinal)), detail);
    }

    [Fact]
    public async Task A_proof_does_not_pay_a_non_zero_amount_and_a_transaction_does_not_pay_zero()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (paidPath, paid) = await h.ChallengeAsync("1000");
        var (freePath, free) = await h.ChallengeAsync("0");
        var source = AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address);

        Refusal.Assert(await h.PresentAsync(paidPath, paid, new { type = "proof", signature = TempoProof.Sign(h.Payer, h.Chain.ChainId, paid.Id, paid.Realm) }, source), "a proof pays only a zero amount");
        Refusal.Assert(await h.PresentTransactionAsync(freePath, free, h.Pays(free, 0).Sign(h.Payer).ToHex()), "a zero amount is paid with a proof");
    }

    public static TheoryData<string> UnrecoverableSignatures() =>
    [
        "0x" + new string('0', 128) + "1b",
        "0x" + new string('f', 128) + "1c",
        "0x" + new string('0', 128) + "05",
        "0x1234",
    ];

    [Theory]
    [MemberData(nameof(UnrecoverableSignatures))]
    public async Task A_signature_that_recovers_nobody_is_refused_not_thrown(string signature)
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("0");

        var verification = await h.PresentAsync(path, challenge, new { type = "proof", signature }, AttributionMemo.Source(h.Chain.ChainId, h.Payer.Address));

        Assert.False(verification.Succeeded);
        Assert.Equal(402, verification.StatusCode);
    }
}
