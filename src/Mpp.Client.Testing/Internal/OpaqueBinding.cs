using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// The server's members of the challenge <c>opaque</c> object: <c>route</c> binds a challenge to the path it was issued
/// for (so a credential for a cheaper route cannot unlock a pricier one), <c>price</c> to the price it offers (whatever
/// request a verifier wrote for it), and <c>nonce</c> makes every id unique even when the clock stands still. The HMAC id
/// covers <c>opaque</c>, so none can be altered.
/// </summary>
internal static class OpaqueBinding
{
    public const string RouteMember = "route";
    public const string NonceMember = "nonce";
    public const string PriceMember = "price";

    public static string Encode(string route, string price, IReadOnlyDictionary<string, string>? extra)
    {
        Span<byte> nonce = stackalloc byte[12];
        RandomNumberGenerator.Fill(nonce);
        var nonceText = Base64Url.Encode(nonce);
        if (extra is null && IsPlain(price) && IsPlain(route))
        {
            // The members in JCS order, every value printable ASCII with nothing to escape: the canonical bytes directly.
            var length = Encoding.UTF8.GetByteCount(route) + Encoding.UTF8.GetByteCount(price) + nonceText.Length + 40;
            var json = length <= 512 ? stackalloc byte[length] : new byte[length];
            var at = 0;
            Put(json, ref at, "{\"nonce\":\""u8);
            at += Encoding.UTF8.GetBytes(nonceText, json[at..]);
            Put(json, ref at, "\",\"price\":\""u8);
            at += Encoding.UTF8.GetBytes(price, json[at..]);
            Put(json, ref at, "\",\"route\":\""u8);
            at += Encoding.UTF8.GetBytes(route, json[at..]);
            Put(json, ref at, "\"}"u8);
            return Base64Url.Encode(json[..at]);
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (extra is not null)
            {
                foreach (var (name, value) in extra)
                {
                    if (!IsServerMember(name))
                    {
                        writer.WriteString(name, value);
                    }
                }
            }

            writer.WriteString(NonceMember, nonceText);
            writer.WriteString(PriceMember, price);
            writer.WriteString(RouteMember, route);
            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return CanonicalJson.EncodeBase64Url(doc.RootElement);
    }

    /// <summary>True when the echoed opaque names <paramref name="route"/> and <paramref name="price"/> and carries the price's extra members.</summary>
    public static bool Matches(string? opaque, string route, string price, IReadOnlyDictionary<string, string>? extra)
    {
        if (opaque is null || !Base64Url.TryDecode(opaque, out var bytes))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !StringMember(root, RouteMember, route) || !StringMember(root, PriceMember, price))
            {
                return false;
            }

            if (extra is not null)
            {
                foreach (var (name, value) in extra)
                {
                    if (!IsServerMember(name) && !StringMember(root, name, value))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsPlain(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static void Put(Span<byte> target, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(target[at..]);
        at += bytes.Length;
    }

    private static bool IsServerMember(string name) => name is RouteMember or NonceMember or PriceMember;

    private static bool StringMember(JsonElement obj, string name, string expected) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), expected, StringComparison.Ordinal);
}
