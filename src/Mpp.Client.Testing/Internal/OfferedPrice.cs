using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// A price with its request object built once (what a challenge carries unless a verifier writes its own) and its
/// fingerprint, the <c>price</c> member of the challenge's <c>opaque</c> that tells which price a challenge was issued for
/// whatever request a verifier wrote.
/// </summary>
internal sealed class OfferedPrice
{
    private OfferedPrice(PriceOption price, JsonElement request)
    {
        Price = price;
        Request = request;
        var identity = string.Join('\n', price.Method, price.Intent, price.Header ?? string.Empty, CanonicalJson.EncodeBase64Url(request));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), hash);
        Fingerprint = Base64Url.Encode(hash[..12]);
    }

    public PriceOption Price { get; }

    /// <summary>The request built from the price.</summary>
    public JsonElement Request { get; }

    /// <summary>base64url of the first 12 bytes of SHA-256 over the method, intent, header and canonical request.</summary>
    public string Fingerprint { get; }

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

    /// <summary>
    /// True when an echoed (and authenticated) challenge was issued for this price on <paramref name="route"/>: the same
    /// method, intent and header, and an <c>opaque</c> naming the route, this price and the price's extra members.
    /// </summary>
    public bool Matches(Challenge challenge, string route) =>
        string.Equals(challenge.Method, Price.Method, StringComparison.Ordinal)
        && string.Equals(challenge.Intent, Price.Intent, StringComparison.Ordinal)
        && string.Equals(challenge.Header, Price.Header, StringComparison.Ordinal)
        && OpaqueBinding.Matches(challenge.Opaque, route, Fingerprint, Price.Opaque);
}
