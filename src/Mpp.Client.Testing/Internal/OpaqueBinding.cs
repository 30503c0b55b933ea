using System.Buffers;
using System.Security.Cryptography;
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

            writer.WriteString(NonceMember, Base64Url.Encode(nonce));
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

    private static bool IsServerMember(string name) => name is RouteMember or NonceMember or PriceMember;

    private static bool StringMember(JsonElement obj, string name, string expected) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), expected, StringComparison.Ordinal);
}
