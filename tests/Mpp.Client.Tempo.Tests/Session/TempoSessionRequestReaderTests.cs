using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class TempoSessionRequestReaderTests
{
    /// <summary>The request mppx 0.11.0's tempo.session() server puts in its challenge (after its transform).</summary>
    private static JsonObject Mppx() => new()
    {
        ["amount"] = "1000",
        ["currency"] = TempoChains.PathUsd,
        ["recipient"] = "0x742d35Cc6634c0532925a3b844bC9e7595F8fE00",
        ["suggestedDeposit"] = "10000000",
        ["unitType"] = "llm_token",
        ["methodDetails"] = new JsonObject
        {
            ["escrowContract"] = "0x4D50500000000000000000000000000000000000",
            ["chainId"] = 42431,
            ["minVoucherDelta"] = "500",
            ["feePayer"] = true,
            ["sessionProtocol"] = "v2",
        },
    };

    private static TempoSessionRequest Read(JsonObject request) => TempoSessionRequestReader.Read(JsonDocument.Parse(request.ToJsonString()).RootElement);

    [Fact]
    public void Reads_an_mppx_request()
    {
        var r = Read(Mppx());
        Assert.Equal(new BigInteger(1000), r.Amount);
        Assert.Equal("llm_token", r.UnitType);
        Assert.Equal(new BigInteger(10_000_000), r.SuggestedDeposit);
        Assert.Equal(TempoChains.PathUsd, r.Currency);
        Assert.Equal(Payee, r.Recipient);
        Assert.Equal(Escrow, r.EscrowContract);
        Assert.Equal(42431UL, r.ChainId);
        Assert.Equal(SessionProtocol.V2, r.Protocol);
        Assert.Equal(new BigInteger(500), r.MinVoucherDelta);
        Assert.True(r.FeePayer);
        Assert.Null(r.ChannelId);
        Assert.Equal(EscrowAbi.ZeroAddress, r.Operator);
        Assert.Null(r.Snapshot);
    }

    [Fact]
    public void Reads_a_challenge_and_refuses_another_method_or_intent()
    {
        var request = JsonDocument.Parse(Mppx().ToJsonString()).RootElement;
        var challenge = Challenge.Create("c-1", "api.example.com", "tempo", "session", request);
        Assert.Equal(SessionProtocol.V2, TempoSessionRequestReader.Read(challenge).Protocol);
        var charge = Challenge.Create("c-2", "api.example.com", "tempo", "charge", request);
        Assert.Equal(MppErrorCode.InvalidChallenge, Assert.Throws<MppException>(() => TempoSessionRequestReader.Read(charge)).Code);
    }

    [Fact]
    public void Applies_the_documented_defaults()
    {
        var v2 = Mppx();
        var details = v2["methodDetails"]!.AsObject();
        details.Remove("escrowContract");
        details.Remove("chainId");
        details.Remove("feePayer");
        details["operator"] = Operator;
        details["channelId"] = Bytes32(1).ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal);
        details["feeToken"] = TempoChains.UsdcE;
        v2.Remove("unitType");
        v2.Remove("suggestedDeposit");
        var r = Read(v2);
        Assert.Equal(EscrowAbi.PrecompileAddress, r.EscrowContract);
        Assert.Equal(TempoChains.MainnetChainId, r.ChainId);
        Assert.False(r.FeePayer);
        Assert.Equal(Operator, r.Operator);
        Assert.Equal(Bytes32(1), r.ChannelId);
        Assert.Equal(TempoChains.UsdcE, r.FeeToken);
        Assert.Null(r.UnitType);
        Assert.Null(r.SuggestedDeposit);

        // No sessionProtocol: v1 (the draft's backwards-compatible reading); v1 then needs an escrow.
        var v1 = Mppx();
        v1["methodDetails"]!.AsObject().Remove("sessionProtocol");
        v1["methodDetails"]!["escrowContract"] = CustomEscrow;
        Assert.Equal(SessionProtocol.V1, Read(v1).Protocol);
        v1["methodDetails"]!.AsObject().Remove("escrowContract");
        Assert.Throws<MppException>(() => Read(v1));

        // mppx's schema lets feePayer be an account object, which means true.
        var objectFeePayer = Mppx();
        objectFeePayer["methodDetails"]!["feePayer"] = new JsonObject { ["address"] = Operator };
        Assert.True(Read(objectFeePayer).FeePayer);
    }

    public static TheoryData<string, string, JsonNode?> BadInputs => new()
    {
        { "amount", "missing", null },
        { "amount", "zero", "0" },
        { "amount", "number", 1000 },
        { "amount", "negative", "-1" },
        { "amount", "decimal", "1.5" },
        { "amount", "exponent", "1e3" },
        { "currency", "not an address", "pathUSD" },
        { "recipient", "missing", null },
        { "recipient", "short", "0x1234" },
        { "suggestedDeposit", "not digits", "lots" },
        { "unitType", "not a string", 5 },
        { "methodDetails", "not an object", "v2" },
        { "methodDetails.chainId", "a string", "4217" },
        { "methodDetails.chainId", "zero", 0 },
        { "methodDetails.chainId", "negative", -1 },
        { "methodDetails.escrowContract", "not an address", "0xnope" },
        { "methodDetails.sessionProtocol", "unknown", "v3" },
        { "methodDetails.feePayer", "a string", "yes" },
        { "methodDetails.channelId", "short", "0x1234" },
        { "methodDetails.minVoucherDelta", "number", 5 },
        { "methodDetails.operator", "not an address", "0xoperator" },
        { "methodDetails.feeToken", "not an address", 7 },
        { "methodDetails.sessionSnapshot", "not an object", "snap" },
        { "methodDetails.sessionSnapshot", "empty", new JsonObject() },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Every_bad_field_is_an_invalid_challenge_that_names_the_field_and_not_the_value(string field, string why, JsonNode? value)
    {
        _ = why;
        var request = Mppx();
        var target = field.StartsWith("methodDetails.", StringComparison.Ordinal) ? request["methodDetails"]!.AsObject() : request;
        var name = field.Replace("methodDetails.", "", StringComparison.Ordinal);
        if (value is null)
        {
            target.Remove(name);
        }
        else
        {
            target[name] = value.DeepClone();
        }

        var error = Assert.Throws<MppException>(() => Read(request));
        Assert.Equal(MppErrorCode.InvalidChallenge, error.Code);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        if (value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 2)
        {
            Assert.DoesNotContain(value.GetValue<string>(), error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_non_object_request_is_an_invalid_challenge()
    {
        Assert.Equal(MppErrorCode.InvalidChallenge, Assert.Throws<MppException>(() => TempoSessionRequestReader.Read(JsonDocument.Parse("[]").RootElement)).Code);
    }

    [Fact]
    public void Reads_a_session_snapshot_and_checks_its_consistency()
    {
        var d = Descriptor(3);
        var snapshot = new JsonObject
        {
            ["acceptedCumulative"] = "2000",
            ["chainId"] = ChainId,
            ["channelId"] = d.ComputeChannelId(Escrow, ChainId),
            ["deposit"] = "10000000",
            ["descriptor"] = ToJson(d),
            ["escrow"] = Escrow,
            ["requiredCumulative"] = "3000",
            ["settled"] = "0",
            ["spent"] = "2000",
            ["units"] = 2,
            ["highestVoucher"] = new JsonObject { ["channelId"] = d.ComputeChannelId(Escrow, ChainId), ["cumulativeAmount"] = "2000", ["signature"] = "0x" + new string('1', 130) },
        };
        var request = Mppx();
        request["methodDetails"]!["sessionSnapshot"] = snapshot.DeepClone();
        var read = Read(request).Snapshot!;
        Assert.True(read.IsConsistent());
        Assert.Equal((new BigInteger(2000), new BigInteger(3000), 2L), (read.AcceptedCumulative, read.RequiredCumulative, read.Units!.Value));

        var header = Base64Url.EncodeText(snapshot.ToJsonString());
        Assert.Equal(read.ChannelId, SessionSnapshot.ParseHeader(header).ChannelId);

        snapshot["escrow"] = CustomEscrow; // the id no longer follows from descriptor + escrow + chain
        Assert.False(SessionSnapshot.ParseHeader(Base64Url.EncodeText(snapshot.ToJsonString())).IsConsistent());

        Assert.Equal(MppErrorCode.InvalidEncoding, Assert.Throws<MppException>(() => SessionSnapshot.ParseHeader("***")).Code);
        Assert.Equal(MppErrorCode.InvalidEncoding, Assert.Throws<MppException>(() => SessionSnapshot.ParseHeader(Base64Url.EncodeText("{nope"))).Code);
        snapshot.Remove("spent");
        Assert.Equal(MppErrorCode.InvalidChallenge, Assert.Throws<MppException>(() => SessionSnapshot.ParseHeader(Base64Url.EncodeText(snapshot.ToJsonString()))).Code);
    }
}
