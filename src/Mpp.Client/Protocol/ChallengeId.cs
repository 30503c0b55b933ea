using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// The recommended stateless challenge binding of core spec draft-02 § "Recommended: HMAC-SHA256 Binding":
/// <c>base64url(HMAC-SHA256(secret, realm|method|intent|request|expires|digest[|header]|opaque))</c>.
/// </summary>
/// <remarks>Payers never need this; servers (such as <c>Mpp.Client.Testing</c>) and the conformance adapter do.</remarks>
public static class ChallengeId
{
    /// <summary>The shortest secret accepted, in bytes.</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>Computes the id of a challenge whose request is given as a JSON object (JCS-canonicalized here).</summary>
    /// <exception cref="MppException">The secret is shorter than <see cref="MinimumSecretLength"/> bytes.</exception>
    public static string Compute(ReadOnlySpan<byte> secret, string realm, string method, string intent, JsonElement request, string? expires = null, string? digest = null, string? opaque = null, string? header = null) =>
        Compute(secret, realm, method, intent, CanonicalJson.EncodeBase64Url(request), expires, digest, opaque, header);

    /// <summary>Computes the id from wire values (the request already base64url-encoded).</summary>
    /// <exception cref="MppException">The secret is shorter than <see cref="MinimumSecretLength"/> bytes.</exception>
    public static string Compute(ReadOnlySpan<byte> secret, string realm, string method, string intent, string encodedRequest, string? expires = null, string? digest = null, string? opaque = null, string? header = null)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new MppException(MppErrorCode.InvalidChallengeIdInput, $"The challenge-id secret must be at least {MinimumSecretLength} bytes.");
        }

        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(encodedRequest);
        // The HMAC input, written as UTF-8 straight into a pooled buffer (no builder, no string, no byte array).
        using var input = new PooledBufferWriter(encodedRequest.Length + 256);
        Append(input, realm, separator: false);
        Append(input, method);
        Append(input, intent);
        Append(input, encodedRequest);
        Append(input, expires);
        Append(input, digest);

        // The header slot exists only for a non-default credential field; "Authorization" is the default and adds nothing
        // (vector challenge-id/authorization_header_is_implicit_default). Its position follows the official conformance
        // vectors (challenge-id/with_payment_authorization_header: before opaque), which every SDK is checked against;
        // draft-02's prose says "appended", but the cross-SDK vectors are what interoperates.
        if (header is not null && !string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase))
        {
            Append(input, header);
        }

        Append(input, opaque);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, input.WrittenSpan, mac);
        return Base64Url.Encode(mac);
    }

    /// <summary>Computes the id of a parsed challenge.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return Compute(secret, challenge.Realm, challenge.Method, challenge.Intent, challenge.EncodedRequest, challenge.Expires, challenge.Digest, challenge.Opaque, challenge.Header);
    }

    /// <summary>Constant-time check that <paramref name="challenge"/>'s id matches its parameters under <paramref name="secret"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> secret, Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var expected = Compute(secret, challenge);
        var id = challenge.Id;
        if (id.Length != expected.Length)
        {
            return false; // the length of a base64url HMAC-SHA256 is public
        }

        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(id.AsSpan()));
    }

    private static void Append(PooledBufferWriter output, string? value, bool separator = true)
    {
        var span = output.GetSpan((value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length)) + 1);
        var written = 0;
        if (separator)
        {
            span[written++] = (byte)'|';
        }

        if (value is not null)
        {
            written += Encoding.UTF8.GetBytes(value, span[written..]);
        }

        output.Advance(written);
    }
}
