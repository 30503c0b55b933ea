using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Transactions;

/// <summary>
/// Byte-exact agreement with ox 0.14.59 (TxEnvelopeTempo) and viem 2.57.13 (the versions mppx 0.11.0 pays with), through
/// interop/tempo/oracle.mjs.
/// </summary>
public sealed class OxOracleTests
{
    public static TheoryData<string> Cases => ["plain", "feePayer", "split", "protocolNonce"];

    private static TempoTransaction Build(string name) => name switch
    {
        "plain" => Samples.PullTransfer(),
        "feePayer" => Samples.PullTransfer(feePayer: true),
        "split" => Samples.PullTransfer(false, (Samples.Payee, new BigInteger(900_000)), (Samples.SplitPayee, new BigInteger(100_000))),
        "protocolNonce" => new TempoTransaction
        {
            ChainId = TempoChains.MainnetChainId,
            MaxPriorityFeePerGas = 0,
            MaxFeePerGas = 1,
            Gas = 21_000,
            Calls = [new TempoCall("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", BigInteger.Parse("5000000000000000000", System.Globalization.CultureInfo.InvariantCulture), [0xde, 0xad, 0xbe, 0xef])],
            AccessList = [new TempoAccessListEntry("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", ["0x0000000000000000000000000000000000000000000000000000000000000001"])],
            NonceKey = 7,
            Nonce = 5,
            ValidBefore = 2_000_000_000,
            ValidAfter = 1_000_000_000,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Signing_preimage_and_signed_envelope_equal_ox(string name)
    {
        var tx = Build(name);
        var signed = tx.Sign(Samples.Key);

        var ox = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "serialize",
            ["tx"] = Samples.ToJson(tx),
            ["signature"] = Samples.ToJson(signed.Signature),
        });

        Assert.Equal(ox["encodeForSigning"].Str(), Hex.Encode(tx.EncodeForSigning()));
        Assert.Equal(ox["signPayload"].Str(), Hex.Encode(tx.SignatureHash()));
        Assert.Equal(ox["hex"].Str(), signed.ToHex());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Ox_decodes_our_envelope_and_recovers_our_address(string name)
    {
        var tx = Build(name);
        var signed = tx.Sign(Samples.Key);

        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "deserialize", ["hex"] = signed.ToHex() });
        var envelope = ox["envelope"]!;

        Assert.Equal(Samples.Key.Address, ox["from"].Str(), ignoreCase: true);
        Assert.Equal(Hex.Encode(tx.SignatureHash()), ox["signPayload"].Str());
        Assert.Equal(Hex.Encode(signed.Hash), ox["hash"].Str());
        Assert.Equal((int)tx.ChainId, envelope["chainId"]!.GetValue<int>());
        Assert.Equal(tx.NonceKey.ToString(System.Globalization.CultureInfo.InvariantCulture), envelope["nonceKey"].Str());
        Assert.Equal(tx.Calls.Count, envelope["calls"]!.AsArray().Count);
        for (var i = 0; i < tx.Calls.Count; i++)
        {
            Assert.Equal(tx.Calls[i].To, envelope["calls"]![i]!["to"].Str());
            Assert.Equal(Hex.Encode(tx.Calls[i].Input), envelope["calls"]![i]!["data"].Str());
        }

        if (tx.FeePayer)
        {
            // The 0x00 placeholder decodes as "fee payer wanted, not signed yet"; the fee token is not in the envelope.
            Assert.True(envelope.AsObject().ContainsKey("feePayerSignature"));
            Assert.Null(envelope["feePayerSignature"]);
            Assert.False(envelope.AsObject().ContainsKey("feeToken"));
        }
        else
        {
            Assert.False(envelope.AsObject().ContainsKey("feePayerSignature"));
            Assert.Equal(tx.FeeToken, envelope["feeToken"]?.GetValue<string>());
        }

        // And our own decoder reads back what we wrote.
        var decoded = TempoTransactionDecoder.Decode(signed.Bytes);
        Assert.Equal(signed.ToHex(), Hex.Encode(decoded.Transaction.Encode(decoded.Signature)));
        Assert.Equal(Samples.Key.Address, decoded.Signature!.RecoverAddress(decoded.Transaction.SignatureHash()));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("split")]
    [InlineData("protocolNonce")]
    public async Task Signed_envelope_equals_viem_signing_with_the_same_key(string name)
    {
        var tx = Build(name);
        var viem = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "viemSerialize",
            ["tx"] = Samples.ToJson(tx),
            ["privateKey"] = Samples.TestKeyHex,
        });

        Assert.Equal(Samples.Key.Address, viem["address"].Str());
        Assert.Equal(viem["hex"].Str(), tx.Sign(Samples.Key).ToHex());
    }

    [Fact]
    public async Task Fee_payer_handoff_equals_viem_0x78_form()
    {
        var tx = Build("feePayer");
        var signed = tx.Sign(Samples.Key);
        var viem = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "viemSerialize",
            ["tx"] = Samples.ToJson(tx),
            ["privateKey"] = Samples.TestKeyHex,
        });

        var handoff = tx.EncodeFeePayerHandoff(signed.Signature, Samples.Key.Address);
        Assert.Equal(viem["hex"].Str(), Hex.Encode(handoff));

        var decoded = TempoTransactionDecoder.Decode(handoff);
        Assert.Equal(Samples.Key.Address.ToLowerInvariant(), decoded.HandoffSender);
        Assert.True(decoded.Transaction.FeePayer);

        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "deserialize", ["hex"] = Hex.Encode(handoff) });
        Assert.Equal(Samples.Key.Address.ToLowerInvariant(), ox["from"].Str().ToLowerInvariant());
    }
}
