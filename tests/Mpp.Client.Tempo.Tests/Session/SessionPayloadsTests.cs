using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Session;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class SessionPayloadsTests
{
    private static readonly string Signature = "0x" + new string('a', 128) + "1b";

    private static JsonObject Json(SessionPayload payload) => JsonNode.Parse(SessionPayloads.ToJson(payload).GetRawText())!.AsObject();

    [Fact]
    public void Open_payload_has_mppx_field_names_and_string_amounts()
    {
        var d = Descriptor(1);
        var json = Json(new SessionOpenPayload(Bytes32(9), d, "0x76ab", 1000, Signature, d.AuthorizedSigner));
        Assert.Equal(["action", "type", "channelId", "descriptor", "transaction", "cumulativeAmount", "signature", "authorizedSigner"], json.Select(p => p.Key));
        Assert.Equal("open", json["action"]!.GetValue<string>());
        Assert.Equal("transaction", json["type"]!.GetValue<string>());
        Assert.Equal("1000", json["cumulativeAmount"]!.GetValue<string>());
        Assert.Equal(ToJson(d).ToJsonString(), json["descriptor"]!.ToJsonString());
    }

    [Fact]
    public void Top_up_voucher_and_close_payloads_have_mppx_field_names()
    {
        var d = Descriptor(1);
        Assert.Equal(["action", "type", "channelId", "descriptor", "transaction", "additionalDeposit"],
            Json(new SessionTopUpPayload(Bytes32(9), d, "0x76ab", 5)).Select(p => p.Key));
        Assert.Equal(["action", "channelId", "descriptor", "cumulativeAmount", "signature"],
            Json(new SessionVoucherPayload(Bytes32(9), d, 5, Signature)).Select(p => p.Key));
        Assert.Equal(["action", "channelId", "descriptor", "cumulativeAmount", "signature"],
            Json(new SessionClosePayload(Bytes32(9), d, 5, Signature)).Select(p => p.Key));
        // v1: no descriptor, no null field.
        Assert.Equal(["action", "channelId", "cumulativeAmount", "signature"],
            Json(new SessionVoucherPayload(Bytes32(9), null, 5, Signature)).Select(p => p.Key));
        Assert.Equal("topUp", Json(new SessionTopUpPayload(Bytes32(9), d, "0x76ab", 5))["action"]!.GetValue<string>());
    }

    [Fact]
    public void Every_payload_round_trips()
    {
        var d = Descriptor(2);
        var payloads = new SessionPayload[]
        {
            new SessionOpenPayload(Bytes32(9), d, "0x76ab", 0, Signature, null),
            new SessionOpenPayload(Bytes32(9), d, "0x76ab", 1, Signature, Payer),
            new SessionTopUpPayload(Bytes32(9), d, "0x78cd", (BigInteger.One << 96) - 1),
            new SessionVoucherPayload(Bytes32(9), d, 12, Signature),
            new SessionClosePayload(Bytes32(9), d, 12, Signature),
        };
        foreach (var payload in payloads)
        {
            Assert.Equal(payload, SessionPayloads.Read(SessionPayloads.ToJson(payload), SessionProtocol.V2));
        }

        var v1 = new SessionVoucherPayload(Bytes32(9), null, BigInteger.One << 100, Signature);
        Assert.Equal(v1, SessionPayloads.Read(SessionPayloads.ToJson(v1), requireDescriptor: false));
    }

    public static TheoryData<string, JsonNode?> BadFields => new()
    {
        { "action", "refund" },
        { "action", null },
        { "channelId", "0x1234" },
        { "channelId", null },
        { "descriptor", null },
        { "descriptor", "descriptor" },
        { "type", "hash" },
        { "transaction", "76ab" },
        { "transaction", "0x7" },
        { "cumulativeAmount", 5 },
        { "cumulativeAmount", "-5" },
        { "cumulativeAmount", "79228162514264337593543950336" }, // 2^96
        { "signature", null },
        { "signature", "0xqq" },
        { "authorizedSigner", "me" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_bad_open_payload_field_is_an_invalid_credential_naming_the_field(string field, JsonNode? value)
    {
        var json = Json(new SessionOpenPayload(Bytes32(9), Descriptor(1), "0x76ab", 1000, Signature, Payer));
        if (value is null)
        {
            json.Remove(field);
        }
        else
        {
            json[field] = value.DeepClone();
        }

        var error = Assert.Throws<MppException>(() => SessionPayloads.Read(JsonDocument.Parse(json.ToJsonString()).RootElement, SessionProtocol.V2));
        Assert.Equal(MppErrorCode.InvalidCredential, error.Code);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_descriptor_error_names_the_field_and_v1_allows_no_descriptor_but_not_a_bad_one()
    {
        var json = Json(new SessionVoucherPayload(Bytes32(9), Descriptor(1), 1, Signature));
        json["descriptor"]!["salt"] = "0x00";
        var error = Assert.Throws<MppException>(() => SessionPayloads.Read(JsonDocument.Parse(json.ToJsonString()).RootElement, SessionProtocol.V1));
        Assert.Contains("salt", error.Message, StringComparison.Ordinal);
        Assert.Throws<MppException>(() => SessionPayloads.Read(JsonDocument.Parse("\"open\"").RootElement, SessionProtocol.V2));
    }
}
