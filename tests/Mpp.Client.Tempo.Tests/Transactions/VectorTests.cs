using System.Numerics;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Transactions;

/// <summary>tempo-go's golden vectors and the MPP conformance vectors that concern encoding and the memo.</summary>
public sealed class VectorTests
{
    [Fact]
    public void Tempo_go_minimal_transaction_matches_except_v_written_as_27_28()
    {
        var v = VectorFiles.Load("tempo-go.json")["minimal_transaction"]!;
        var tx = new TempoTransaction
        {
            ChainId = 1,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 2_000_000_000,
            Gas = 21_000,
            Calls = [new TempoCall(v["to"].Str(), BigInteger.Zero, [])],
        };
        var signed = tx.Sign(TempoPrivateKey.FromHex(v["senderPrivateKey"].Str()));
        var expected = Hex.Decode(v["expectedSerialized"].Str());

        // tempo-go writes the y parity (0x01) as the last signature byte; ox and viem write v = 27 + parity (0x1c).
        Assert.Equal(expected.Length, signed.Bytes.Length);
        Assert.Equal(Hex.Encode(expected.AsSpan(0, expected.Length - 1)), Hex.Encode(signed.Bytes[..^1]));
        Assert.Equal(0x01, expected[^1]);
        Assert.Equal(0x1c, signed.Bytes[^1]);

        // Both forms decode to the same signature and sender.
        var fromGo = TempoTransactionDecoder.Decode(expected);
        Assert.Equal(signed.Signature.YParity, fromGo.Signature!.YParity);
        Assert.Equal(signed.Sender, fromGo.Signature.RecoverAddress(fromGo.Transaction.SignatureHash()));
    }

    [Fact]
    public void Tempo_go_golden_client_tx_decodes()
    {
        var v = VectorFiles.Load("tempo-go.json")["golden_client_tx"]!;
        var all = Hex.Decode(v["hex"].Str());
        // tempo.ts appended the 20-byte sender and the 6-byte marker feefeefeefee after the RLP.
        var envelope = all.AsSpan(0, all.Length - 26);
        var decoded = TempoTransactionDecoder.Decode(envelope);

        Assert.Equal(v["chainId"]!.GetValue<ulong>(), decoded.Transaction.ChainId);
        Assert.Equal(v["nonce"]!.GetValue<ulong>(), decoded.Transaction.Nonce);
        Assert.Equal(v["gas"]!.GetValue<ulong>(), decoded.Transaction.Gas);
        Assert.StartsWith(v["signatureRStart"].Str(), Convert.ToHexStringLower(decoded.Signature!.R), StringComparison.Ordinal);
        Assert.Null(decoded.Transaction.FeePayerSignature);
        // Re-encoded it is the same bytes but for the signature's last byte: the parity 0x01 there, v = 0x1c here.
        var reencoded = decoded.Transaction.Encode(decoded.Signature);
        Assert.Equal(Hex.Encode(envelope[..^1]), Hex.Encode(reencoded.AsSpan(0, reencoded.Length - 1)));
        Assert.Equal(0x01, envelope[^1]);
        Assert.Equal(0x1c, reencoded[^1]);

        var sender = Hex.Encode(all.AsSpan(all.Length - 26, 20));
        Assert.Equal(sender, decoded.Signature.RecoverAddress(decoded.Transaction.SignatureHash()), ignoreCase: true);
    }

    [Theory]
    [InlineData("tempo-transaction-verification.json")]
    [InlineData("tempo-receipt-verification.json")]
    public void Memo_equals_the_conformance_memo_and_not_the_rejected_ones(string file)
    {
        var memo = Hex.Encode(AttributionMemo.Encode("challenge-123", "api.example.com", clientId: null));

        static string MemoTopic(string file, string scenario) =>
            VectorFiles.Scenario(file, scenario)["input"]!["receipt"]!["logs"]![0]!["topics"]![3].Str();

        Assert.Equal(MemoTopic(file, "matching_challenge_bound_memo"), memo);
        Assert.NotEqual(MemoTopic(file, "unrelated_challenge_memo_rejected"), memo);
        Assert.NotEqual(MemoTopic(file, "unrelated_realm_memo_rejected"), memo);
        Assert.NotEqual(MemoTopic(file, "non_mpp_memo_rejected"), memo);

        // The rejected realm memo is for the same challenge (same last 7 bytes), the rejected challenge memo for the
        // same realm (same bytes 5..15): each differs from ours in exactly the part it is about.
        var otherRealm = MemoTopic(file, "unrelated_realm_memo_rejected");
        var otherChallenge = MemoTopic(file, "unrelated_challenge_memo_rejected");
        Assert.Equal(memo[^14..], otherRealm[^14..]);
        Assert.Equal(memo[..32], otherChallenge[..32]);
    }

    [Fact]
    public void Memo_layout()
    {
        var memo = AttributionMemo.Encode("id", "realm", "client");
        Assert.Equal(Keccak.Hash("mpp")[..4], memo[..4]);
        Assert.Equal(0x01, memo[4]);
        Assert.Equal(Keccak.Hash("realm")[..10], memo[5..15]);
        Assert.Equal(Keccak.Hash("client")[..10], memo[15..25]);
        Assert.Equal(Keccak.Hash("id")[..7], memo[25..32]);
        Assert.All(AttributionMemo.Encode("id", "realm", null)[15..25], b => Assert.Equal(0, b));
        Assert.Equal("did:pkh:eip155:42431:0xAbC", AttributionMemo.Source(42431, "0xAbC"));
    }

    [Fact]
    public void TransferWithMemo_call_data_equals_the_cosign_vector()
    {
        var scenario = VectorFiles.Scenario("tempo-fee-payer-cosign.json", "valid_fee_payer_envelope_cosigned")["input"]!;
        var request = scenario["request"]!;
        var expectedCall = scenario["transaction"]!["calls"]![0]!;
        var memo = AttributionMemo.Encode(scenario["challenge"]!["id"].Str(), scenario["challenge"]!["realm"].Str(), null);

        var call = Tip20Calls.TransferWithMemo(
            request["currency"].Str(),
            request["recipient"].Str(),
            BigInteger.Parse(request["amount"].Str(), System.Globalization.CultureInfo.InvariantCulture),
            memo);

        Assert.Equal(expectedCall["to"].Str(), call.To);
        Assert.Equal(expectedCall["data"].Str(), Hex.Encode(call.Input));
        Assert.Equal(Keccak.Hash(Tip20Calls.TransferWithMemoSignature)[..4], call.Input[..4].ToArray());
    }

    [Fact]
    public void Expiring_nonce_rules()
    {
        Assert.Equal(BigInteger.Pow(2, 256) - 1, TempoNonce.ExpiringKey);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_900);
        Assert.Equal(1_900_000_025UL, TempoNonce.ValidBefore(now, null));
        Assert.Equal(1_900_000_010UL, TempoNonce.ValidBefore(now, DateTimeOffset.FromUnixTimeSeconds(1_900_000_010)));
        Assert.Equal(1_900_000_025UL, TempoNonce.ValidBefore(now, DateTimeOffset.FromUnixTimeSeconds(1_900_000_100)));

        // The nonce key is written as 32 bytes of 0xff: a0 ff…ff.
        var encoded = Samples.PullTransfer().EncodeForSigning();
        Assert.Contains("a0" + new string('f', 64), Convert.ToHexStringLower(encoded), StringComparison.Ordinal);
    }

    [Fact]
    public void Fee_payer_preimage_has_the_zero_marker_and_no_fee_token()
    {
        var plain = Samples.PullTransfer();
        var sponsored = Samples.PullTransfer(feePayer: true);
        var token = Convert.ToHexStringLower(EvmAddress.ToBytes(TempoChains.PathUsd));

        Assert.Contains("94" + token, Convert.ToHexStringLower(plain.EncodeForSigning()), StringComparison.Ordinal);
        Assert.DoesNotContain("94" + token + "80c0", Convert.ToHexStringLower(sponsored.EncodeForSigning()), StringComparison.Ordinal);
        Assert.EndsWith("8000c0", Convert.ToHexStringLower(sponsored.EncodeForSigning()), StringComparison.Ordinal);
        Assert.EndsWith("94" + token + "80c0", Convert.ToHexStringLower(plain.EncodeForSigning()), StringComparison.Ordinal);

        // A co-signed transaction's preimage is the same as the one the sender signed.
        var coSigned = new TempoTransaction
        {
            ChainId = sponsored.ChainId,
            MaxPriorityFeePerGas = sponsored.MaxPriorityFeePerGas,
            MaxFeePerGas = sponsored.MaxFeePerGas,
            Gas = sponsored.Gas,
            Calls = sponsored.Calls,
            NonceKey = sponsored.NonceKey,
            ValidBefore = sponsored.ValidBefore,
            FeeToken = TempoChains.PathUsd,
            FeePayerSignature = Samples.Key.SignHash(new byte[32]),
        };
        Assert.Equal(sponsored.EncodeForSigning(), coSigned.EncodeForSigning());
        var decoded = TempoTransactionDecoder.Decode(coSigned.Encode(null));
        Assert.Equal(coSigned.FeePayerSignature!.ToRsv(), decoded.Transaction.FeePayerSignature!.ToRsv());
        Assert.Equal(TempoChains.PathUsd, decoded.Transaction.FeeToken);
    }

    [Theory]
    [InlineData("76")]
    [InlineData("77c0")]
    [InlineData("76c0")]
    [InlineData("76c180")]
    public void Decoder_rejects_malformed_input(string hex) =>
        Assert.Throws<FormatException>(() => TempoTransactionDecoder.Decode(Convert.FromHexString(hex)));

    [Fact]
    public void Rlp_reader_rejects_non_canonical_forms()
    {
        Assert.Throws<FormatException>(() => RlpReader.Decode([0x81, 0x05]));
        Assert.Throws<FormatException>(() => RlpReader.Decode([0xb8, 0x01, 0xff]));
        Assert.Equal([0x00], RlpReader.Decode([0x00]).AsBytes());
        Assert.Empty(RlpReader.Decode([0x80]).AsBytes());
        Assert.Equal([0x00], Rlp.Bytes([0x00]));
    }

    [Fact]
    public void Validation_rejects_what_ox_rejects()
    {
        Assert.Throws<InvalidOperationException>(() => new TempoTransaction { ChainId = 1, Calls = [] }.Validate());
        Assert.Throws<InvalidOperationException>(() => Samples.PullTransfer().WithValidity(10, 10).Validate());
    }
}

file static class TxExtensions
{
    public static TempoTransaction WithValidity(this TempoTransaction tx, ulong before, ulong after) => new()
    {
        ChainId = tx.ChainId,
        Calls = tx.Calls,
        ValidBefore = before,
        ValidAfter = after,
    };
}
