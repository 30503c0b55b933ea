using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A tempo/session receipt (mppx 0.11.0 <c>Protocol.isSessionReceipt</c> / <c>createSessionReceipt</c>):
/// <c>{method: "tempo", intent: "session", status: "success", timestamp, reference, challengeId, channelId,
/// acceptedCumulative, spent, units?, txHash?}</c>, in the <c>Payment-Receipt</c> header or an SSE
/// <c>payment-receipt</c> event. <c>acceptedCumulative</c> and <c>spent</c> are decimal strings, <c>units</c> a JSON
/// number; <c>reference</c> is the channel id.
/// </summary>
internal sealed record SessionReceipt(string ChallengeId, string ChannelId, BigInteger AcceptedCumulative, BigInteger Spent)
{
    /// <summary>Units the server counted, or null.</summary>
    public long? Units { get; init; }

    /// <summary>The transaction hash (open, top-up, close), lower-case 0x hex, or null.</summary>
    public string? TxHash { get; init; }

    /// <summary>The receipt's <c>reference</c> (mppx: the channel id).</summary>
    public string? Reference { get; init; }

    /// <summary>The RFC 3339 <c>timestamp</c>.</summary>
    public string? Timestamp { get; init; }

    private static readonly WireFields Fields = new(MppErrorCode.InvalidReceipt, "session receipt");

    /// <summary>Reads a receipt object.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: not a session receipt or malformed.</exception>
    public static SessionReceipt FromJson(JsonElement receipt)
    {
        Fields.RequireObject(receipt);
        if (Fields.String(receipt, "method") != "tempo" || Fields.String(receipt, "intent") != "session")
        {
            throw Fields.Invalid("method/intent is not tempo/session.");
        }

        if (Fields.String(receipt, "status") != "success")
        {
            throw Fields.Invalid("status is not success.");
        }

        return Read(receipt, Fields.String(receipt, "reference"), Fields.String(receipt, "timestamp"));
    }

    /// <summary>Reads the session fields of a parsed <c>Payment-Receipt</c>.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: not a session receipt or malformed.</exception>
    public static SessionReceipt FromReceipt(PaymentReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Method != "tempo" || !receipt.Extra.TryGetValue("intent", out var intent) || intent.ValueKind != JsonValueKind.String || !intent.ValueEquals("session"u8))
        {
            throw Fields.Invalid("method/intent is not tempo/session.");
        }

        if (receipt.Status != "success")
        {
            throw Fields.Invalid("status is not success.");
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in receipt.Extra)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return Read(document.RootElement, receipt.Reference, receipt.Timestamp);
    }

    /// <summary>The receipt object as mppx writes it (for a server), with <paramref name="timestamp"/> as RFC 3339.</summary>
    public JsonElement ToJson(DateTimeOffset timestamp)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("method"u8, "tempo");
            writer.WriteString("intent"u8, "session");
            writer.WriteString("status"u8, "success");
            writer.WriteString("timestamp"u8, timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("reference"u8, Reference ?? ChannelId);
            writer.WriteString("challengeId"u8, ChallengeId);
            writer.WriteString("channelId"u8, ChannelId);
            writer.WriteString("acceptedCumulative"u8, AcceptedCumulative.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("spent"u8, Spent.ToString(CultureInfo.InvariantCulture));
            if (Units is { } units)
            {
                writer.WriteNumber("units"u8, units);
            }

            if (TxHash is { } txHash)
            {
                writer.WriteString("txHash"u8, txHash);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static SessionReceipt Read(JsonElement fields, string reference, string timestamp) =>
        new(Fields.String(fields, "challengeId"), Fields.Bytes32(fields, "channelId"), Fields.Amount(fields, "acceptedCumulative", 128), Fields.Amount(fields, "spent", 128))
        {
            Units = Fields.OptionalNonNegativeInteger(fields, "units"),
            TxHash = Fields.OptionalBytes32(fields, "txHash"),
            Reference = reference,
            Timestamp = timestamp,
        };
}
