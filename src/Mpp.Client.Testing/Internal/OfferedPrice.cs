using System.Buffers;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>A price with its request object built once: what a challenge carries and what a credential must echo.</summary>
internal sealed class OfferedPrice
{
    private OfferedPrice(PriceOption price, JsonElement request)
    {
        Price = price;
        Request = request;
        CanonicalRequest = CanonicalJson.EncodeBase64Url(request);
        ExternalId = request.TryGetProperty("externalId", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    public PriceOption Price { get; }

    public JsonElement Request { get; }

    /// <summary>base64url of the JCS request, as it appears on the wire.</summary>
    public string CanonicalRequest { get; }

    public string? ExternalId { get; }

    public static OfferedPrice Create(PriceOption price)
    {
        ArgumentNullException.ThrowIfNull(price);
        var extra = price.ExtraRequest ?? new Dictionary<string, JsonElement>();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (!extra.ContainsKey("amount"))
            {
                writer.WriteString("amount", price.Amount);
            }

            if (!extra.ContainsKey("currency"))
            {
                writer.WriteString("currency", price.Currency);
            }

            if (price.Recipient is not null && !extra.ContainsKey("recipient"))
            {
                writer.WriteString("recipient", price.Recipient);
            }

            foreach (var (name, value) in extra)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return new OfferedPrice(price, doc.RootElement.Clone());
    }

    /// <summary>True when an echoed challenge carries exactly this price's method, intent, header and request.</summary>
    public bool Matches(Challenge challenge) =>
        string.Equals(challenge.Method, Price.Method, StringComparison.Ordinal)
        && string.Equals(challenge.Intent, Price.Intent, StringComparison.Ordinal)
        && string.Equals(challenge.Header, Price.Header, StringComparison.Ordinal)
        && string.Equals(CanonicalJson.EncodeBase64Url(challenge.Request), CanonicalRequest, StringComparison.Ordinal);
}
