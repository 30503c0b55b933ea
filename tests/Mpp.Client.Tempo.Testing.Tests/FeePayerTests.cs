using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Testing.Tests.Support;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Tests;

/// <summary>
/// feePayer: true — the verifier adds the fee token, co-signs as fee payer and broadcasts; the fake chain checks both
/// signatures; ox (interop/tempo, pinned) reads the broadcast envelope back and recovers both signers.
/// </summary>
public sealed class FeePayerTests
{
    private const string FeePayerKey = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

    [Fact]
    public async Task The_0x78_handoff_is_cosigned_and_ox_recovers_both_signers_from_the_broadcast_envelope()
    {
        await using var h = await VerifierHarness.StartAsync(new TempoTestVerifierOptions { FeePayerPrivateKey = FeePayerKey });
        var (path, challenge) = await h.ChallengeAsync("5000", new { chainId = h.Chain.ChainId, feePayer = true });
        var tx = h.Pays(challenge, 5000, feePayer: true);
        var signed = tx.Sign(h.Payer);
        var handoff = Hex.Encode(tx.EncodeFeePayerHandoff(signed.Signature, h.Payer.Address));

        var verification = await h.PresentTransactionAsync(path, challenge, handoff);

        Assert.True(verification.Succeeded, verification.ToString());
        var settlement = Assert.Single(h.Verifier.Settlements);
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), settlement.SponsoredBy);
        Assert.Equal(new BigInteger(5000), h.Chain.BalanceOf(FakeTempoChain.PathUsd, h.Recipient));
        var receipt = h.Chain.Receipt(settlement.TransactionHash!)!;
        Assert.Equal(h.Payer.Address.ToLowerInvariant(), (string?)receipt["from"]);
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), (string?)receipt["feePayer"]);

        var broadcast = h.Chain.Requests.Single(r => r.Method == "eth_sendRawTransaction").Params[0].GetString()!;
        Assert.StartsWith("0x76", broadcast, StringComparison.Ordinal);
        Assert.Equal(settlement.TransactionHash, Hex.Encode(Keccak.Hash(Hex.Decode(broadcast))));
        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "signers", ["hex"] = broadcast });
        Assert.Equal(h.Payer.Address.ToLowerInvariant(), ox["sender"].Str().ToLowerInvariant());
        Assert.Equal(h.Payer.Address.ToLowerInvariant(), ox["from"].Str().ToLowerInvariant());
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), ox["feePayer"].Str().ToLowerInvariant());
        Assert.Equal(FakeTempoChain.PathUsd, ox["feeToken"].Str().ToLowerInvariant());
    }

    [Fact]
    public async Task A_0x76_envelope_with_the_fee_payer_marker_is_cosigned_too()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (path, challenge) = await h.ChallengeAsync("5000", new { chainId = h.Chain.ChainId, feePayer = true });
        var signed = h.Pays(challenge, 5000, feePayer: true).Sign(h.Payer);
        var marked = TempoTransactionDecoder.Decode(signed.Bytes).Transaction;
        Assert.True(marked.FeePayer);
        Assert.Null(marked.FeePayerSignature);

        var verification = await h.PresentTransactionAsync(path, challenge, signed.ToHex());

        Assert.True(verification.Succeeded, verification.ToString());
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), (string?)h.Chain.Receipt(verification.Receipt!.Reference)!["feePayer"]);
    }

    [Fact]
    public async Task The_fee_payer_digest_is_the_one_ox_computes()
    {
        await using var h = await VerifierHarness.StartAsync();
        var (_, challenge) = await h.ChallengeAsync("5000");
        var sponsored = h.Pays(challenge, 5000, feePayer: true);
        var withToken = FeePayerSigning.WithFeePayer(sponsored, feePayer: false, FakeTempoChain.PathUsd, signature: null);
        var senderSignature = h.Payer.SignHash(sponsored.SignatureHash()); // the sender signs the 0x00-marker form
        var feePayerKey = VerifierHarness.NewKey();
        var coSigned = FeePayerSigning.WithFeePayer(withToken, false, FakeTempoChain.PathUsd, feePayerKey.SignHash(FeePayerSigning.Hash(withToken, h.Payer.Address)));

        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "signers", ["hex"] = Hex.Encode(coSigned.Encode(senderSignature)) });

        Assert.Equal(h.Payer.Address.ToLowerInvariant(), ox["sender"].Str().ToLowerInvariant());
        Assert.Equal(feePayerKey.Address.ToLowerInvariant(), ox["feePayer"].Str().ToLowerInvariant());
    }

    public static TheoryData<string, string> Unsponsorable() => new()
    {
        { "client-paid envelope", "must leave the fee-payer slot to the server" },
        { "hand-off naming another sender", "must leave the fee-payer slot to the server" },
        { "2D nonce", "must use the expiring nonce" },
        { "gas above the cap", "gas limit is above the fee payer's cap" },
        { "fee cap above the cap", "fee cap is above the fee payer's cap" },
    };

    [Theory]
    [MemberData(nameof(Unsponsorable))]
    public async Task A_transaction_the_fee_payer_must_not_sponsor_is_refused_before_cosigning(string broken, string detail)
    {
        await using var h = await VerifierHarness.StartAsync(new TempoTestVerifierOptions { MaxSponsoredGas = 100_000, MaxSponsoredFeePerGas = 20_000_000_000 });
        var (path, challenge) = await h.ChallengeAsync("5000", new { chainId = h.Chain.ChainId, feePayer = true });
        var calls = h.Pays(challenge, 5000).Calls;
        var tx = broken switch
        {
            "client-paid envelope" => h.Transfer(calls),
            "2D nonce" => h.Transfer(calls, feePayer: true, nonceKey: BigInteger.One),
            "gas above the cap" => h.Transfer(calls, feePayer: true, gas: 100_001),
            "fee cap above the cap" => Raise(h.Transfer(calls, feePayer: true)),
            _ => h.Transfer(calls, feePayer: true),
        };
        var signed = tx.Sign(h.Payer);
        var submitted = broken == "hand-off naming another sender"
            ? Hex.Encode(tx.EncodeFeePayerHandoff(signed.Signature, VerifierHarness.NewKey().Address))
            : signed.ToHex();

        Refusal.Assert(await h.PresentTransactionAsync(path, challenge, submitted), detail);
        Assert.Equal(0, h.Chain.CountOf("eth_sendRawTransaction"));
    }

    [Fact]
    public async Task The_fee_payer_key_never_shows()
    {
        await using var h = await VerifierHarness.StartAsync(new TempoTestVerifierOptions { FeePayerPrivateKey = FeePayerKey });
        var (path, challenge) = await h.ChallengeAsync("5000", new { chainId = h.Chain.ChainId, feePayer = true });
        var refused = await h.PresentTransactionAsync(path, challenge, h.Pays(challenge, 5000).Sign(h.Payer).ToHex());
        var (path2, challenge2) = await h.ChallengeAsync("5000", new { chainId = h.Chain.ChainId, feePayer = true });
        var paid = await h.PresentTransactionAsync(path2, challenge2, h.Pays(challenge2, 5000, feePayer: true).Sign(h.Payer).ToHex());

        var digits = FeePayerKey[2..];
        Assert.True(paid.Succeeded, paid.ToString());
        Assert.DoesNotContain(digits, h.Verifier.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(digits, refused.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(digits, string.Join('\n', h.Verifier.Settlements), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(digits, string.Join('\n', h.Chain.Requests.Select(r => r.Params.GetRawText())), StringComparison.OrdinalIgnoreCase);
    }

    private static TempoTransaction Raise(TempoTransaction tx) => new()
    {
        ChainId = tx.ChainId,
        MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
        MaxFeePerGas = 20_000_000_001,
        Gas = tx.Gas,
        Calls = tx.Calls,
        NonceKey = tx.NonceKey,
        ValidBefore = tx.ValidBefore,
        FeePayer = true,
    };
}
