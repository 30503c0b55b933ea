using System.Numerics;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Testing.Tests.Support;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>draft-tempo-charge-01 § "Transaction Verification": each rule refuses a credential that breaks it, and nothing moves.</summary>
public sealed class PullVerificationTests
{
    [Fact]
    public async Task A_transaction_that_pays_the_challenge_is_broadcast_and_settled()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1250000");
        var signed = h.Pays(challenge, 1_250_000).Sign(h.Payer);

        var verification = await h.PresentTransactionAsync(path, challenge, signed.ToHex());

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(Hex.Encode(signed.Hash), verification.Receipt!.Reference);
        Assert.Equal(new BigInteger(1_250_000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
        var settlement = Assert.Single(h.Verifier.Settlements);
        Assert.Equal(("transaction", h.Payer.Address.ToLowerInvariant(), (string?)null), (settlement.PayloadType, settlement.Payer, settlement.SponsoredBy));
        Assert.Equal("0x1", (string?)h.Chain.Receipt(settlement.TransactionHash!)!["status"]);
    }

    [Fact]
    public async Task A_split_payment_in_any_call_order_is_settled()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (a, b) = (VerifierHarness.NewKey().Address, VerifierHarness.NewKey().Address);
        var (path, challenge) = await h.ChallengeAsync("1000000", new
        {
            chainId = h.Chain.ChainId,
            splits = new[] { new { amount = "300000", recipient = a }, new { amount = "100000", recipient = b } },
        });
        var memo = VerifierHarness.Attribution(challenge);
        var tx = h.Transfer([VerifierHarness.Call(b, 100_000, memo), VerifierHarness.Call(h.Recipient, 600_000, memo), VerifierHarness.Call(a, 300_000, memo)]);

        var verification = await h.PresentTransactionAsync(path, challenge, tx.Sign(h.Payer).ToHex());

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(new BigInteger(300_000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, a));
        Assert.Equal(new BigInteger(600_000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
    }

    public static TheoryData<string, string> BrokenTransactions() => new()
    {
        { "wrong amount", "does not pay 1000000 to" },
        { "wrong recipient", "does not pay 1000000 to" },
        { "wrong token", "not on the challenge's currency" },
        { "plain transfer without the attribution memo", "no transfer carries the attribution memo bound to this challenge" },
        { "memo of another challenge", "no transfer carries the attribution memo bound to this challenge" },
        { "memo of another realm", "no transfer carries the attribution memo bound to this challenge" },
        { "an extra transfer", "transfers the challenge does not ask for" },
        { "a call that is not a transfer", "neither a TIP-20 transfer nor transferWithMemo" },
        { "wrong chain", "the transaction is for chain 4217" },
        { "fee payer marker without feePayer", "without feePayer the client pays its fees" },
    };

    [Theory]
    [MemberData(nameof(BrokenTransactions))]
    public async Task A_transaction_breaking_one_rule_is_refused_and_never_broadcast(string broken, string detail)
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000000");
        var memo = VerifierHarness.Attribution(challenge);
        var other = "0x20c0000000000000000000000000000000000001";
        h.Chain.AddToken(other);
        h.Chain.Fund(other, h.Payer.Address, VerifierHarness.Funds);
        TempoCall[] calls = broken switch
        {
            "wrong amount" => [VerifierHarness.Call(h.Recipient, 999_999, memo)],
            "wrong recipient" => [VerifierHarness.Call(VerifierHarness.NewKey().Address, 1_000_000, memo)],
            "wrong token" => [VerifierHarness.Call(h.Recipient, 1_000_000, memo, other)],
            "plain transfer without the attribution memo" => [PlainTransfer(h.Recipient, 1_000_000)],
            "memo of another challenge" => [VerifierHarness.Call(h.Recipient, 1_000_000, Attribution.AttributionMemo.Encode("another-challenge", challenge.Realm, null))],
            "memo of another realm" => [VerifierHarness.Call(h.Recipient, 1_000_000, Attribution.AttributionMemo.Encode(challenge.Id, "another.example", null))],
            "an extra transfer" => [VerifierHarness.Call(h.Recipient, 1_000_000, memo), VerifierHarness.Call(VerifierHarness.NewKey().Address, 1, memo)],
            "a call that is not a transfer" => [new TempoCall(FakeTempoChain.PathUsd, BigInteger.Zero, [0x09, 0x5e, 0xa7, 0xb3, .. new byte[64]])],
            _ => [VerifierHarness.Call(h.Recipient, 1_000_000, memo)],
        };
        var tx = broken switch
        {
            "wrong chain" => h.Transfer(calls, chainId: TempoChains.MainnetChainId),
            "fee payer marker without feePayer" => h.Transfer(calls, feePayer: true),
            _ => h.Transfer(calls),
        };

        var verification = await h.PresentTransactionAsync(path, challenge, tx.Sign(h.Payer).ToHex());

        Refusal.Assert(verification, detail);
        Assert.Equal(0, h.Chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(VerifierHarness.Funds, h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Payer.Address));
        Assert.Empty(h.Verifier.Settlements);
        Assert.Empty(h.Server.Payments);
    }

    [Fact]
    public async Task The_attribution_memo_may_carry_a_client_id_ride_on_a_split_and_the_fee_token_may_be_left_to_the_node()
    {
        await using var h = await VerifierHarness.StartAsync();
        var split = VerifierHarness.NewKey().Address;
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, splits = new[] { new { amount = "100", recipient = split } } });
        // As mppx 0.11.0's client pays: the primary transfer carries the memo (here with a client id), a split without a
        // memo of its own is a plain transfer, and no fee token is named (the node takes the account's default).
        var tx = Without(h.Transfer([
            PlainTransfer(split, 100),
            VerifierHarness.Call(h.Recipient, 900, Attribution.AttributionMemo.Encode(challenge.Id, challenge.Realm, "agent-7")),
        ]));

        var verification = await h.PresentTransactionAsync(path, challenge, tx.Sign(h.Payer).ToHex());

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(new BigInteger(100), h.Chain.BalanceOf(FakeTempoChain.PathUsd, split));
    }

    [Fact]
    public async Task A_transaction_without_the_memo_the_challenge_names_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var memo = Hex.Encode([.. new byte[28], 0xde, 0xad, 0xbe, 0xef]);
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, memo });

        var verification = await h.PresentTransactionAsync(path, challenge, h.Pays(challenge, 1000).Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "with memo " + memo);
    }

    [Fact]
    public async Task A_transaction_valid_beyond_the_challenge_expiry_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");
        var expires = (ulong)challenge.ExpiresAt!.Value.ToUnixTimeSeconds();
        var calls = h.Pays(challenge, 1000).Calls;

        Refusal.Assert(await h.PresentTransactionAsync(path, challenge, h.Transfer(calls, validBefore: expires + 1).Sign(h.Payer).ToHex()), "validBefore");
        h.Time.Advance(challenge.ExpiresAt.Value - h.Time.GetUtcNow() - TimeSpan.FromSeconds(10));
        Assert.True((await h.PresentTransactionAsync(path, challenge, h.Transfer(calls, validBefore: expires).Sign(h.Payer).ToHex())).Succeeded);
    }

    [Fact]
    public async Task A_split_paid_short_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var split = VerifierHarness.NewKey().Address;
        var (path, challenge) = await h.ChallengeAsync("1000000", new { chainId = h.Chain.ChainId, splits = new[] { new { amount = "300000", recipient = split } } });
        var memo = VerifierHarness.Attribution(challenge);
        // The total is right, but the split gets less and the primary recipient more.
        var tx = h.Transfer([VerifierHarness.Call(h.Recipient, 750_000, memo), VerifierHarness.Call(split, 250_000, memo)]);

        var verification = await h.PresentTransactionAsync(path, challenge, tx.Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "does not pay");
        Assert.Equal(BigInteger.Zero, h.Chain.BalanceOf(FakeTempoChain.PathUsd, split));
    }

    [Fact]
    public async Task Without_the_attribution_rule_a_plain_transfer_pays_as_the_spec_allows()
    {
        await using var h = await VerifierHarness.StartAsync(new TempoTestVerifierOptions { RequireAttributionMemo = false });
        var (path, challenge) = await h.ChallengeAsync("1000");

        var verification = await h.PresentTransactionAsync(path, challenge, h.Transfer([PlainTransfer(h.Recipient, 1000)]).Sign(h.Payer).ToHex());

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(new BigInteger(1000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
    }

    [Fact]
    public async Task Pull_is_refused_when_supported_modes_leave_it_out()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = h.Chain.ChainId, supportedModes = new[] { "push" } });

        var verification = await h.PresentTransactionAsync(path, challenge, h.Pays(challenge, 1000).Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "pull (a transaction credential) is not in the challenge's supportedModes");
    }

    [Fact]
    public async Task A_challenge_for_another_chain_than_the_verifiers_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000", new { chainId = TempoChains.MainnetChainId });

        var verification = await h.PresentTransactionAsync(path, challenge, h.Transfer([VerifierHarness.Call(h.Recipient, 1000, VerifierHarness.Attribution(challenge))], chainId: TempoChains.MainnetChainId).Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "the challenge is for chain 4217, this verifier settles on chain 42431");
    }

    [Fact]
    public async Task A_reverted_transaction_is_refused()
    {
        await using var h = await VerifierHarness.StartAsync();
        h.Chain.RevertTransactions = true;
        var (path, challenge) = await h.ChallengeAsync("1000");

        var verification = await h.PresentTransactionAsync(path, challenge, h.Pays(challenge, 1000).Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "the transaction reverted");
        Assert.Equal(1, h.Chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(BigInteger.Zero, h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
    }

    [Fact]
    public async Task A_transaction_the_chain_refuses_is_refused_with_the_nodes_reason()
    {
        await using var h = await VerifierHarness.StartAsync();
        h.Chain.Fund(FakeTempoChain.PathUsd, h.Payer.Address, -VerifierHarness.Funds);
        var (path, challenge) = await h.ChallengeAsync("1000");

        var verification = await h.PresentTransactionAsync(path, challenge, h.Pays(challenge, 1000).Sign(h.Payer).ToHex());

        Refusal.Assert(verification, "the chain refused the transaction: insufficient balance for transfer");
    }

    public static TheoryData<object> MalformedPayloads() =>
    [
        new { type = "transaction", signature = "0x76c0ffee" },
        new { type = "transaction", signature = "not hex" },
        new { type = "transaction" },
        new { type = "transaction", signature = 42 },
        new { type = "teleport", signature = "0x" },
        new { signature = "0x" },
    ];

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public async Task A_payload_that_cannot_be_read_is_an_invalid_payload_not_an_exception(object payload)
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("1000");

        var verification = await h.PresentAsync(path, challenge, payload);

        Assert.False(verification.Succeeded);
        Assert.Equal(PaymentProblemType.InvalidPayload, verification.Problem);
    }

    private static TempoCall PlainTransfer(string to, BigInteger amount)
    {
        var data = Tip20Calls.TransferWithMemoData(to, amount, new byte[32]);
        byte[] transfer = [0xa9, 0x05, 0x9c, 0xbb, .. data.AsSpan(4, 64)];
        return new TempoCall(FakeTempoChain.PathUsd, BigInteger.Zero, transfer);
    }

    private static TempoTransaction Without(TempoTransaction tx) => new()
    {
        ChainId = tx.ChainId,
        MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
        MaxFeePerGas = tx.MaxFeePerGas,
        Gas = tx.Gas,
        Calls = tx.Calls,
        NonceKey = tx.NonceKey,
        ValidBefore = tx.ValidBefore,
    };
}
