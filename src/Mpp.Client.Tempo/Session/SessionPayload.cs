using System.Numerics;
using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A tempo/session credential payload (draft-tempo-session-00 § "Payload Actions"; mppx 0.11.0 <c>Methods.session</c>
/// credential schema): a union on <c>action</c>. Amounts travel as decimal strings, hex as lower-case 0x. v2 payloads
/// carry <see cref="Descriptor"/> (mppx 0.11.0's server refuses one without it); v1 payloads have none.
/// </summary>
internal abstract record SessionPayload
{
    /// <summary>Sets the common fields.</summary>
    protected SessionPayload(string channelId, ChannelDescriptor? descriptor)
    {
        ChannelId = channelId;
        Descriptor = descriptor;
    }

    /// <summary><c>open</c>, <c>topUp</c>, <c>voucher</c> or <c>close</c>.</summary>
    [JsonPropertyName("action")]
    [JsonPropertyOrder(1)]
    public abstract string Action { get; }

    /// <summary>The channel, lower-case bytes32 hex.</summary>
    [JsonPropertyName("channelId")]
    [JsonPropertyOrder(3)]
    public string ChannelId { get; }

    /// <summary>The v2 channel descriptor, or null (v1).</summary>
    [JsonPropertyName("descriptor")]
    [JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChannelDescriptor? Descriptor { get; }
}

/// <summary><c>{action: "open", type: "transaction", channelId, transaction, signature, descriptor, cumulativeAmount,
/// authorizedSigner}</c>: the signed open transaction and the first voucher.</summary>
internal sealed record SessionOpenPayload(
    string ChannelId,
    ChannelDescriptor? Descriptor,
    [property: JsonPropertyOrder(5)] string Transaction,
    [property: JsonPropertyOrder(6)] BigInteger CumulativeAmount,
    [property: JsonPropertyOrder(7)] string Signature,
    [property: JsonPropertyOrder(8)] string? AuthorizedSigner)
    : SessionPayload(ChannelId, Descriptor)
{
    /// <inheritdoc />
    [JsonPropertyName("action")]
    [JsonPropertyOrder(1)]
    public override string Action => "open";

    /// <summary>Always <c>"transaction"</c>.</summary>
    [JsonPropertyName("type")]
    [JsonPropertyOrder(2)]
    public string Type => "transaction";
}

/// <summary><c>{action: "topUp", type: "transaction", channelId, transaction, descriptor, additionalDeposit}</c>.</summary>
internal sealed record SessionTopUpPayload(
    string ChannelId,
    ChannelDescriptor? Descriptor,
    [property: JsonPropertyOrder(5)] string Transaction,
    [property: JsonPropertyOrder(6)] BigInteger AdditionalDeposit)
    : SessionPayload(ChannelId, Descriptor)
{
    /// <inheritdoc />
    [JsonPropertyName("action")]
    [JsonPropertyOrder(1)]
    public override string Action => "topUp";

    /// <summary>Always <c>"transaction"</c>.</summary>
    [JsonPropertyName("type")]
    [JsonPropertyOrder(2)]
    public string Type => "transaction";
}

/// <summary><c>{action: "voucher", channelId, descriptor, cumulativeAmount, signature}</c>.</summary>
internal sealed record SessionVoucherPayload(
    string ChannelId,
    ChannelDescriptor? Descriptor,
    [property: JsonPropertyOrder(6)] BigInteger CumulativeAmount,
    [property: JsonPropertyOrder(7)] string Signature)
    : SessionPayload(ChannelId, Descriptor)
{
    /// <inheritdoc />
    [JsonPropertyName("action")]
    [JsonPropertyOrder(1)]
    public override string Action => "voucher";
}

/// <summary><c>{action: "close", channelId, descriptor, cumulativeAmount, signature}</c>: the final voucher.</summary>
internal sealed record SessionClosePayload(
    string ChannelId,
    ChannelDescriptor? Descriptor,
    [property: JsonPropertyOrder(6)] BigInteger CumulativeAmount,
    [property: JsonPropertyOrder(7)] string Signature)
    : SessionPayload(ChannelId, Descriptor)
{
    /// <inheritdoc />
    [JsonPropertyName("action")]
    [JsonPropertyOrder(1)]
    public override string Action => "close";
}
