using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class SessionReceiptTests
{
    /// <summary>A receipt as mppx 0.11.0's createSessionReceipt writes it.</summary>
    private static JsonObject Mppx() => new()
    {
        ["method"] = "tempo",
        ["intent"] = "session",
        ["status"] = "success",
        ["timestamp"] = "2026-12-01T00:00:00.000Z",
        ["reference"] = Bytes32(1),
        ["challengeId"] = "kM9xPqWvT2nJrHsY4aDfEb",
        ["channelId"] = Bytes32(1),
        ["acceptedCumulative"] = "2500",
        ["spent"] = "2000",
        ["units"] = 2,
        ["txHash"] = Bytes32(2),
    };

    [Fact]
    public void Reads_an_mppx_receipt_from_json_and_from_the_header()
    {
        var receipt = SessionReceipt.FromJson(JsonDocument.Parse(Mppx().ToJsonString()).RootElement);
        Assert.Equal(("kM9xPqWvT2nJrHsY4aDfEb", Bytes32(1), new BigInteger(2500), new BigInteger(2000)), (receipt.ChallengeId, receipt.ChannelId, receipt.AcceptedCumulative, receipt.Spent));
        Assert.Equal((2L, Bytes32(2), Bytes32(1)), (receipt.Units!.Value, receipt.TxHash, receipt.Reference));

        var header = PaymentReceipt.Parse(Base64Url.EncodeText(Mppx().ToJsonString()));
        Assert.Equal(receipt, SessionReceipt.FromReceipt(header));

        var minimal = Mppx();
        minimal.Remove("units");
        minimal.Remove("txHash");
        var read = SessionReceipt.FromJson(JsonDocument.Parse(minimal.ToJsonString()).RootElement);
        Assert.Null(read.Units);
        Assert.Null(read.TxHash);
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        var receipt = new SessionReceipt("c1", Bytes32(5), 10, 7) { Units = 3, TxHash = Bytes32(6) };
        var json = receipt.ToJson(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var back = SessionReceipt.FromJson(json);
        Assert.Equal(receipt with { Reference = Bytes32(5), Timestamp = "2026-12-01T00:00:00.000Z" }, back);
        Assert.Equal(JsonValueKind.String, json.GetProperty("acceptedCumulative").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("units").ValueKind);
    }

    public static TheoryData<string, JsonNode?> BadFields => new()
    {
        { "method", "stripe" },
        { "intent", "charge" },
        { "status", "failed" },
        { "challengeId", null },
        { "channelId", "0x12" },
        { "acceptedCumulative", 2500 },
        { "acceptedCumulative", null },
        { "spent", "-1" },
        { "units", "2" },
        { "units", -1 },
        { "txHash", "0x12" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_bad_receipt_is_an_invalid_receipt(string field, JsonNode? value)
    {
        var json = Mppx();
        if (value is null)
        {
            json.Remove(field);
        }
        else
        {
            json[field] = value.DeepClone();
        }

        var error = Assert.Throws<MppException>(() => SessionReceipt.FromJson(JsonDocument.Parse(json.ToJsonString()).RootElement));
        Assert.Equal(MppErrorCode.InvalidReceipt, error.Code);
    }

    [Fact]
    public void A_charge_receipt_is_not_a_session_receipt()
    {
        var charge = PaymentReceipt.Parse(Base64Url.EncodeText("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-12-01T00:00:00Z\",\"reference\":\"0xab\"}"));
        Assert.Equal(MppErrorCode.InvalidReceipt, Assert.Throws<MppException>(() => SessionReceipt.FromReceipt(charge)).Code);
    }

    [Fact]
    public void Need_voucher_event_round_trips_and_refuses_bad_fields()
    {
        var data = new JsonObject { ["channelId"] = Bytes32(1), ["requiredCumulative"] = "3000", ["acceptedCumulative"] = "2000", ["deposit"] = "10000" };
        var read = SessionNeedVoucher.FromJson(JsonDocument.Parse(data.ToJsonString()).RootElement);
        Assert.Equal(new SessionNeedVoucher(Bytes32(1), 3000, 2000, 10000), read);
        Assert.Equal(data.ToJsonString(), JsonNode.Parse(read.ToJson().GetRawText())!.ToJsonString());
        data["deposit"] = 10000;
        Assert.Equal(MppErrorCode.InvalidReceipt, Assert.Throws<MppException>(() => SessionNeedVoucher.FromJson(JsonDocument.Parse(data.ToJsonString()).RootElement)).Code);
    }
}
