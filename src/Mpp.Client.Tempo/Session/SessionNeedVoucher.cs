using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The data of an SSE <c>payment-need-voucher</c> event (mppx 0.11.0 <c>Protocol.isNeedVoucherEvent</c>):
/// <c>{channelId, requiredCumulative, acceptedCumulative, deposit}</c>, amounts as decimal strings.
/// </summary>
internal sealed record SessionNeedVoucher(string ChannelId, BigInteger RequiredCumulative, BigInteger AcceptedCumulative, BigInteger Deposit)
{
    private static readonly WireFields Fields = new(MppErrorCode.InvalidReceipt, "payment-need-voucher event");

    /// <summary>Reads the event data.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: malformed.</exception>
    public static SessionNeedVoucher FromJson(JsonElement data)
    {
        Fields.RequireObject(data);
        return new SessionNeedVoucher(
            Fields.Bytes32(data, "channelId"),
            Fields.Amount(data, "requiredCumulative", 128),
            Fields.Amount(data, "acceptedCumulative", 128),
            Fields.Amount(data, "deposit", 128));
    }

    /// <summary>The event data as mppx writes it.</summary>
    public JsonElement ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("channelId"u8, ChannelId);
            writer.WriteString("requiredCumulative"u8, RequiredCumulative.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("acceptedCumulative"u8, AcceptedCumulative.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("deposit"u8, Deposit.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
