using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Tests.Helpers;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// Byte-for-byte agreement of the session primitives with ox 0.14.59 / viem 2.57.13, and acceptance by mppx 0.11.0's own
/// server-side checks, through interop/tempo/oracle.mjs.
/// </summary>
public sealed class SessionOracleTests
{
    private static readonly BigInteger MaxUint96 = (BigInteger.One << 96) - 1;
    private static readonly BigInteger MaxUint128 = (BigInteger.One << 128) - 1;

    [Fact]
    public async Task Voucher_hash_and_signature_equal_viem_and_ox_and_viem_verifies_ours_for_v1_and_v2()
    {
        var cases = new List<(SessionProtocol Protocol, string Escrow, ulong ChainId, string ChannelId, BigInteger Amount)>
        {
            (SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 0),
            (SessionProtocol.V2, Escrow, TempoChains.MainnetChainId, Bytes32(2), 1),
            (SessionProtocol.V2, Escrow, ChainId, Bytes32(3), 1_000_000),
            (SessionProtocol.V2, Escrow, ChainId, Bytes32(4), MaxUint96),
            (SessionProtocol.V2, CustomEscrow, ChainId, Bytes32(5), 123_456_789),
            (SessionProtocol.V1, CustomEscrow, ChainId, Bytes32(6), 0),
            (SessionProtocol.V1, CustomEscrow, TempoChains.MainnetChainId, Bytes32(7), 250_000),
            (SessionProtocol.V1, CustomEscrow, ChainId, Bytes32(8), MaxUint128),
        };

        var ours = new List<SignedVoucher>();
        var items = new JsonArray();
        foreach (var c in cases)
        {
            var voucher = await SessionVoucher.SignAsync(Signer, c.Protocol, c.Escrow, c.ChainId, c.ChannelId, c.Amount, CancellationToken.None);
            ours.Add(voucher);
            items.Add(new JsonObject
            {
                ["protocol"] = (int)c.Protocol,
                ["escrow"] = c.Escrow,
                ["chainId"] = c.ChainId,
                ["channelId"] = c.ChannelId,
                ["cumulativeAmount"] = Dec(c.Amount),
                ["privateKey"] = Samples.TestKeyHex,
                ["signature"] = voucher.Signature,
                ["expectedSigner"] = Samples.Key.Address,
            });
        }

        var answers = (await Oracle.CallAsync(new JsonObject { ["op"] = "vouchers", ["items"] = items })).AsArray();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var answer = answers[i]!;
            var hash = Hex.Encode(SessionVoucher.Hash(c.Protocol, c.Escrow, c.ChainId, c.ChannelId, c.Amount));
            Assert.Equal(answer["hash"].Str(), hash);
            if (answer["oxPayload"] is { } ox)
            {
                Assert.Equal(ox.Str(), hash);
            }

            Assert.Equal(answer["viemSignature"].Str(), ours[i].Signature);
            Assert.True(answer["verified"]!.GetValue<bool>(), $"viem verifyTypedData refused case {i}");
            Assert.Equal(Payer, answer["recovered"].Str().ToLowerInvariant());
            Assert.Equal(Payer, SessionVoucher.Recover(c.Protocol, c.Escrow, c.ChainId, c.ChannelId, c.Amount, answer["viemSignature"].Str()));
        }

        // Every case that had an ox payload was a v2 voucher on the precompile: make sure there were some.
        Assert.Equal(4, answers.Count(a => a!["oxPayload"] is not null));
    }

    [Fact]
    public async Task Channel_ids_equal_ox_and_abi_encode_for_v1_and_v2()
    {
        var descriptors = new[]
        {
            Descriptor(1),
            Descriptor(2, authorizedSigner: EscrowAbi.ZeroAddress),
            Descriptor(3, @operator: Operator),
            new ChannelDescriptor("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", Payee, Operator, TempoChains.UsdcE, Bytes32(4), Operator, Bytes32(5)),
        };
        var items = new JsonArray();
        var expected = new List<string>();
        foreach (var (escrow, chainId) in new[] { (Escrow, ChainId), (Escrow, TempoChains.MainnetChainId), (CustomEscrow, ChainId) })
        {
            foreach (var d in descriptors)
            {
                items.Add(new JsonObject { ["protocol"] = 2, ["descriptor"] = ToJson(d), ["escrow"] = escrow, ["chainId"] = chainId });
                expected.Add(d.ComputeChannelId(escrow, chainId));
                items.Add(new JsonObject { ["protocol"] = 1, ["descriptor"] = ToJson(d), ["escrow"] = escrow, ["chainId"] = chainId });
                expected.Add(LegacyChannel.ComputeChannelId(d.Payer, d.Payee, d.Token, d.Salt, d.AuthorizedSigner, escrow, chainId));
            }
        }

        var answers = (await Oracle.CallAsync(new JsonObject { ["op"] = "channelIds", ["items"] = items })).AsArray();
        var oxChecked = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(answers[i]!["id"].Str(), expected[i]);
            if (answers[i]!["oxId"] is { } ox)
            {
                Assert.Equal(ox.Str(), expected[i]);
                oxChecked++;
            }
        }

        Assert.Equal(2 * descriptors.Length, oxChecked);
    }

    [Fact]
    public async Task Escrow_call_data_equals_viem_both_ways()
    {
        var d = Descriptor(9, @operator: Operator);
        var signature = Convert.FromHexString(new string('a', 130));
        var ours = new (int Protocol, string Function, JsonArray Args, byte[] Data)[]
        {
            (2, "open", [Payee, Operator, TempoChains.PathUsd, Dec(MaxUint96), Bytes32(1), Payer], EscrowAbi.EncodeOpen(new EscrowOpenCall(Payee, Operator, TempoChains.PathUsd, MaxUint96, Bytes32(1), Payer))),
            (2, "topUp", [ToJson(d), "5000000"], EscrowAbi.EncodeTopUp(new EscrowTopUpCall(d, 5_000_000))),
            (2, "settle", [ToJson(d), "42", Hex.Encode(signature)], EscrowAbi.EncodeSettle(new EscrowSettleCall(d, 42, signature))),
            (2, "close", [ToJson(d), "900", "800", Hex.Encode(signature)], EscrowAbi.EncodeClose(new EscrowCloseCall(d, 900, 800, signature))),
            (2, "close", [ToJson(d), "0", "0", "0x"], EscrowAbi.EncodeClose(new EscrowCloseCall(d, 0, 0, []))),
            (2, "requestClose", [ToJson(d)], EscrowAbi.EncodeRequestClose(d)),
            (2, "withdraw", [ToJson(d)], EscrowAbi.EncodeWithdraw(d)),
            (2, "getChannel", [ToJson(d)], EscrowAbi.EncodeGetChannel(d)),
            (2, "getChannelState", [Bytes32(3)], EscrowAbi.EncodeGetChannelState(Bytes32(3))),
            (1, "open", [Payee, TempoChains.PathUsd, Dec(MaxUint128), Bytes32(1), Payer], LegacyEscrowAbi.EncodeOpen(Payee, TempoChains.PathUsd, MaxUint128, Bytes32(1), Payer)),
            (1, "topUp", [Bytes32(2), "77"], LegacyEscrowAbi.EncodeTopUp(Bytes32(2), 77)),
            (1, "close", [Bytes32(2), "66", Hex.Encode(signature)], LegacyEscrowAbi.EncodeClose(Bytes32(2), 66, signature)),
            (1, "approve", [CustomEscrow, "1000"], LegacyEscrowAbi.EncodeApprove(CustomEscrow, 1000)),
        };

        var encode = new JsonArray([.. ours.Select(o => (JsonNode)new JsonObject { ["protocol"] = o.Protocol, ["functionName"] = o.Function, ["args"] = o.Args.DeepClone() })]);
        var encoded = (await Oracle.CallAsync(new JsonObject { ["op"] = "escrowCalls", ["items"] = encode })).AsArray();
        var decode = new JsonArray([.. ours.Select(o => (JsonNode)new JsonObject { ["protocol"] = o.Protocol, ["data"] = Hex.Encode(o.Data) })]);
        var decoded = (await Oracle.CallAsync(new JsonObject { ["op"] = "escrowCalls", ["items"] = decode })).AsArray();
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.Equal(encoded[i]!["data"].Str(), Hex.Encode(ours[i].Data));
            Assert.Equal(ours[i].Function, decoded[i]!["functionName"].Str());
        }

        // Our decoders read viem's bytes back to the same values.
        var open = EscrowAbi.DecodeOpen(Hex.Decode(encoded[0]!["data"].Str()));
        Assert.Equal(new EscrowOpenCall(Payee, Operator, TempoChains.PathUsd, MaxUint96, Bytes32(1), Payer), open);
        Assert.Equal(new EscrowTopUpCall(d, 5_000_000), EscrowAbi.DecodeTopUp(Hex.Decode(encoded[1]!["data"].Str())));
        var close = EscrowAbi.DecodeClose(Hex.Decode(encoded[3]!["data"].Str()));
        Assert.Equal((d, new BigInteger(900), new BigInteger(800)), (close.Descriptor, close.CumulativeAmount, close.CaptureAmount));
        Assert.Equal(signature, close.Signature);
        Assert.Empty(EscrowAbi.DecodeClose(Hex.Decode(encoded[4]!["data"].Str())).Signature);
        Assert.Equal(d, EscrowAbi.DecodeDescriptorCall(EscrowAbi.WithdrawSignature, Hex.Decode(encoded[6]!["data"].Str())));
        var legacyClose = LegacyEscrowAbi.DecodeClose(Hex.Decode(encoded[11]!["data"].Str()));
        Assert.Equal((Bytes32(2), new BigInteger(66)), (legacyClose.ChannelId, legacyClose.CumulativeAmount));
        Assert.Equal(signature, legacyClose.Signature);
        Assert.Equal((Payee, TempoChains.PathUsd, MaxUint128, Bytes32(1), Payer), LegacyEscrowAbi.DecodeOpen(Hex.Decode(encoded[9]!["data"].Str())));
        Assert.Equal((Bytes32(2), new BigInteger(77)), LegacyEscrowAbi.DecodeTopUp(Hex.Decode(encoded[10]!["data"].Str())));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signed_open_transaction_is_viems_bytes_and_mppx_accepts_the_open_payload(bool feePayer)
    {
        var unsigned = SessionTransactions.BuildOpen(ChainId, Escrow, Open(10_000_000), Fees, feeToken: null, feePayer);
        var signed = await SessionTransactions.SignOpenAsync(Signer, unsigned, Escrow, CancellationToken.None);
        var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, signed.ChannelId, 1_000, CancellationToken.None);
        var payload = new SessionOpenPayload(signed.ChannelId, signed.Descriptor, signed.TransactionHex, 1_000, voucher.Signature, signed.Descriptor.AuthorizedSigner);

        // viem signs the same fields to the same bytes (RFC 6979 signatures are deterministic).
        var viem = await Oracle.CallAsync(new JsonObject { ["op"] = "viemSerialize", ["tx"] = Samples.ToJson(unsigned), ["privateKey"] = Samples.TestKeyHex });
        Assert.Equal(viem["hex"].Str(), signed.TransactionHex);

        // ox decodes it, recovers the payer, and derives the same expiringNonceHash.
        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "sessionTx", ["hex"] = signed.TransactionHex, ["sender"] = Payer, ["feePayer"] = feePayer });
        Assert.Equal(Payer, ox["sender"].Str().ToLowerInvariant());
        Assert.Equal(ox["expiringNonceHash"].Str(), signed.ExpiringNonceHash);
        Assert.Equal("open", ox["calls"]![0]!["functionName"].Str());
        Assert.Equal(Dec(10_000_000), ox["calls"]![0]!["args"]![3].Str());

        // mppx 0.11.0's own server-side checks accept the payload we would send.
        var mppx = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "mppxCheck",
            ["protocol"] = 2,
            ["payload"] = JsonNode.Parse(SessionPayloads.ToJson(payload).GetRawText()),
            ["chainId"] = ChainId,
            ["escrow"] = Escrow,
            ["currency"] = TempoChains.PathUsd,
            ["recipient"] = Payee,
            ["feePayer"] = feePayer,
        });
        Assert.True(mppx["schemaOk"]!.GetValue<bool>(), mppx["schemaError"]?.ToString());
        Assert.Equal(mppx["channelId"].Str(), signed.ChannelId);
        Assert.True(mppx["voucherValid"]!.GetValue<bool>());
        Assert.True(mppx["transaction"]!["ok"]!.GetValue<bool>(), mppx["transaction"]!["error"]?.ToString());
        Assert.Equal(mppx["transaction"]!["expiringNonceHash"].Str(), signed.ExpiringNonceHash);
        Assert.Equal(Dec(10_000_000), mppx["transaction"]!["openDeposit"].Str());
    }

    [Fact]
    public async Task Mppx_accepts_our_top_up_voucher_and_close_payloads_and_refuses_a_tampered_voucher()
    {
        var d = Descriptor(11);
        var channelId = d.ComputeChannelId(Escrow, ChainId);
        var topUp = await SessionTransactions.SignTopUpAsync(
            Signer, SessionTransactions.BuildTopUp(ChainId, Escrow, d, 5_000_000, Fees, null, feePayer: false), Escrow, CancellationToken.None);
        Assert.Equal(channelId, topUp.ChannelId);
        var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, channelId, 2_500, CancellationToken.None);
        var payloads = new SessionPayload[]
        {
            new SessionTopUpPayload(channelId, d, topUp.TransactionHex, 5_000_000),
            new SessionVoucherPayload(channelId, d, 2_500, voucher.Signature),
            new SessionClosePayload(channelId, d, 2_500, voucher.Signature),
            new SessionVoucherPayload(channelId, d, 2_501, voucher.Signature), // amount changed after signing
        };

        var answers = new List<JsonNode>();
        foreach (var payload in payloads)
        {
            answers.Add(await Oracle.CallAsync(new JsonObject
            {
                ["op"] = "mppxCheck",
                ["protocol"] = 2,
                ["payload"] = JsonNode.Parse(SessionPayloads.ToJson(payload).GetRawText()),
                ["chainId"] = ChainId,
                ["escrow"] = Escrow,
                ["currency"] = TempoChains.PathUsd,
                ["recipient"] = Payee,
            }));
        }

        Assert.All(answers, a => Assert.True(a["schemaOk"]!.GetValue<bool>(), a["schemaError"]?.ToString()));
        Assert.All(answers, a => Assert.Equal(channelId, a["channelId"].Str()));
        Assert.True(answers[0]["transaction"]!["ok"]!.GetValue<bool>(), answers[0]["transaction"]!["error"]?.ToString());
        Assert.True(answers[1]["voucherValid"]!.GetValue<bool>());
        Assert.True(answers[2]["voucherValid"]!.GetValue<bool>());
        Assert.False(answers[3]["voucherValid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Mppx_legacy_verifier_accepts_our_v1_voucher_payload()
    {
        var channelId = LegacyChannel.ComputeChannelId(Payer, Payee, TempoChains.PathUsd, Bytes32(12), Payer, CustomEscrow, ChainId);
        var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V1, CustomEscrow, ChainId, channelId, 777, CancellationToken.None);
        var answer = await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "mppxCheck",
            ["protocol"] = 1,
            ["payload"] = JsonNode.Parse(SessionPayloads.ToJson(new SessionVoucherPayload(channelId, null, 777, voucher.Signature)).GetRawText()),
            ["chainId"] = ChainId,
            ["escrow"] = CustomEscrow,
            ["signer"] = Payer,
        });
        Assert.True(answer["schemaOk"]!.GetValue<bool>(), answer["schemaError"]?.ToString());
        Assert.True(answer["voucherValid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Legacy_v1_open_is_viems_bytes_with_approve_then_open()
    {
        const ulong deposit = 3_000_000;
        var salt = Bytes32(21);
        var tx = LegacySessionTransactions.BuildOpen(ChainId, CustomEscrow, Payee, TempoChains.PathUsd, deposit, salt, Payer, Fees, feePayer: false);
        var hex = await LegacySessionTransactions.SignAsync(Signer, tx, CancellationToken.None);

        var viem = await Oracle.CallAsync(new JsonObject { ["op"] = "viemSerialize", ["tx"] = Samples.ToJson(tx), ["privateKey"] = Samples.TestKeyHex });
        Assert.Equal(viem["hex"].Str(), hex);

        var ox = await Oracle.CallAsync(new JsonObject { ["op"] = "sessionTx", ["hex"] = hex, ["sender"] = Payer, ["feePayer"] = false });
        Assert.Equal(Payer, ox["sender"].Str().ToLowerInvariant());
        var calls = ox["calls"]!.AsArray();
        Assert.Equal([TempoChains.PathUsd, CustomEscrow], calls.Select(c => c!["to"].Str().ToLowerInvariant()));
        var decoded = (await Oracle.CallAsync(new JsonObject
        {
            ["op"] = "escrowCalls",
            ["items"] = new JsonArray(
                new JsonObject { ["protocol"] = 1, ["data"] = calls[0]!["data"]!.DeepClone() },
                new JsonObject { ["protocol"] = 1, ["data"] = calls[1]!["data"]!.DeepClone() }),
        })).AsArray();
        Assert.Equal("approve", decoded[0]!["functionName"].Str());
        Assert.Equal([CustomEscrow, Dec(deposit)], decoded[0]!["args"]!.AsArray().Select(a => a.Str().ToLowerInvariant()));
        Assert.Equal("open", decoded[1]!["functionName"].Str());
        Assert.Equal([Payee, TempoChains.PathUsd, Dec(deposit), salt, Payer], decoded[1]!["args"]!.AsArray().Select(a => a.Str().ToLowerInvariant()));

        var topUp = LegacySessionTransactions.BuildTopUp(ChainId, CustomEscrow, TempoChains.PathUsd, Bytes32(22), 5, Fees, feePayer: true);
        Assert.StartsWith("0x78", await LegacySessionTransactions.SignAsync(Signer, topUp, CancellationToken.None), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacySessionTransactions.BuildOpen(ChainId, CustomEscrow, Payee, TempoChains.PathUsd, 0, salt, Payer, Fees, false));
    }

    [Fact]
    public async Task Selectors_and_event_topics_equal_those_of_mppx_escrow_abi()
    {
        var mppx = await Oracle.CallAsync(new JsonObject { ["op"] = "mppxAbi" });
        var functions = new Dictionary<string, string>
        {
            ["open"] = EscrowAbi.OpenSignature,
            ["topUp"] = EscrowAbi.TopUpSignature,
            ["settle"] = EscrowAbi.SettleSignature,
            ["close"] = EscrowAbi.CloseSignature,
            ["requestClose"] = EscrowAbi.RequestCloseSignature,
            ["withdraw"] = EscrowAbi.WithdrawSignature,
            ["getChannel"] = EscrowAbi.GetChannelSignature,
            ["getChannelState"] = EscrowAbi.GetChannelStateSignature,
        };
        foreach (var (name, signature) in functions)
        {
            Assert.Equal(mppx["functions"]![name].Str(), Hex.Encode(EscrowAbi.Selector(signature)));
        }

        var events = new Dictionary<string, string>
        {
            ["ChannelOpened"] = EscrowAbi.ChannelOpenedEvent,
            ["TopUp"] = EscrowAbi.TopUpEvent,
            ["Settled"] = EscrowAbi.SettledEvent,
            ["CloseRequested"] = EscrowAbi.CloseRequestedEvent,
            ["ChannelClosed"] = EscrowAbi.ChannelClosedEvent,
            ["CloseRequestCancelled"] = EscrowAbi.CloseRequestCancelledEvent,
        };
        foreach (var (name, signature) in events)
        {
            Assert.Equal(mppx["events"]![name].Str(), EscrowAbi.Topic(signature));
        }
    }
}
