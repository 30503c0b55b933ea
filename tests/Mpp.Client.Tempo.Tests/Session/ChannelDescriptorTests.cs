using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Tests.Helpers;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class ChannelDescriptorTests
{
    [Fact]
    public void Fields_are_normalised_to_lower_case_and_the_wire_json_has_exactly_the_seven_string_fields()
    {
        var d = new ChannelDescriptor(Samples.Key.Address, Payee.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), EscrowAbi.ZeroAddress,
            TempoChains.PathUsd, Bytes32(1).ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), Samples.Key.Address, Bytes32(2));
        Assert.Equal(Payer, d.Payer);
        Assert.Equal(Payee, d.Payee);
        Assert.Equal(Bytes32(1), d.Salt);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            d.WriteTo(writer);
        }

        var json = JsonNode.Parse(stream.ToArray())!.AsObject();
        Assert.Equal(["payer", "payee", "operator", "token", "salt", "authorizedSigner", "expiringNonceHash"], json.Select(p => p.Key));
        Assert.All(json, p => Assert.Equal(JsonValueKind.String, p.Value!.GetValueKind()));
        Assert.Equal(d, ChannelDescriptor.FromJson(JsonDocument.Parse(stream.ToArray()).RootElement));
    }

    [Fact]
    public void Effective_signer_is_the_authorized_signer_or_the_payer_when_zero()
    {
        Assert.Equal(Payer, Descriptor(1, authorizedSigner: EscrowAbi.ZeroAddress).EffectiveSigner);
        Assert.Equal(Operator, Descriptor(1, authorizedSigner: Operator).EffectiveSigner);
    }

    [Fact]
    public void The_channel_id_changes_with_every_descriptor_field_and_with_escrow_and_chain()
    {
        var d = Descriptor(1);
        var ids = new[]
        {
            d.ComputeChannelId(Escrow, ChainId),
            d.ComputeChannelId(CustomEscrow, ChainId),
            d.ComputeChannelId(Escrow, ChainId + 1),
            new ChannelDescriptor(Operator, d.Payee, d.Operator, d.Token, d.Salt, d.AuthorizedSigner, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, Operator, d.Operator, d.Token, d.Salt, d.AuthorizedSigner, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, d.Payee, Operator, d.Token, d.Salt, d.AuthorizedSigner, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, d.Payee, d.Operator, TempoChains.UsdcE, d.Salt, d.AuthorizedSigner, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, d.Payee, d.Operator, d.Token, Bytes32(50), d.AuthorizedSigner, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, d.Payee, d.Operator, d.Token, d.Salt, Operator, d.ExpiringNonceHash).ComputeChannelId(Escrow, ChainId),
            new ChannelDescriptor(d.Payer, d.Payee, d.Operator, d.Token, d.Salt, d.AuthorizedSigner, Bytes32(51)).ComputeChannelId(Escrow, ChainId),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^0x[0-9a-f]{64}$", id));
    }

    [Theory]
    [InlineData("payer", "0x1234")]
    [InlineData("payee", "not hex")]
    [InlineData("operator", "")]
    [InlineData("token", "0x20c000000000000000000000000000000000000g")]
    [InlineData("salt", "0x1234")]
    [InlineData("authorizedSigner", "0x" + "00")]
    [InlineData("expiringNonceHash", "0x" + "zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_field_is_a_format_error_naming_the_field_not_the_value(string field, string value)
    {
        var json = ToJson(Descriptor(1));
        json[field] = value;
        var error = Assert.Throws<FormatException>(() => ChannelDescriptor.FromJson(JsonDocument.Parse(json.ToJsonString()).RootElement));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        if (value.Length > 4)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("payer")]
    [InlineData("expiringNonceHash")]
    public void A_missing_or_non_string_field_is_a_format_error(string field)
    {
        var json = ToJson(Descriptor(1));
        json.Remove(field);
        Assert.Throws<FormatException>(() => ChannelDescriptor.FromJson(JsonDocument.Parse(json.ToJsonString()).RootElement));
        json[field] = 5;
        Assert.Throws<FormatException>(() => ChannelDescriptor.FromJson(JsonDocument.Parse(json.ToJsonString()).RootElement));
        Assert.Throws<FormatException>(() => ChannelDescriptor.FromJson(JsonDocument.Parse("[]").RootElement));
    }
}
