using System.Security.Cryptography;

namespace Mpp.Client.Protocol;

/// <summary>
/// RFC 9530 <c>Content-Digest</c> values, as used by the challenge <c>digest</c> parameter
/// (core spec draft-02 § "Request Body Digest Binding").
/// </summary>
public static class ContentDigest
{
    /// <summary>Computes <c>sha-256=:&lt;base64&gt;:</c> of a body.</summary>
    public static string ComputeSha256(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return "sha-256=:" + Convert.ToBase64String(hash) + ":";
    }

    /// <summary>
    /// Checks a body against a digest value. Accepts the RFC 9530 dictionary form (<c>sha-256=:…:</c>, several members
    /// allowed) and the bare form (<c>sha-256=…</c>). Algorithms: <c>sha-256</c>, <c>sha-512</c>.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when every supported member matches and at least one is present; <see langword="false"/>
    /// when a member does not match or no supported algorithm is named.
    /// </returns>
    public static bool Matches(string digest, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var checkedAny = false;
        foreach (var member in digest.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = member.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var algorithm = member[..eq].Trim().ToLowerInvariant();
            var value = member[(eq + 1)..].Trim();
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            if (semicolon >= 0)
            {
                value = value[..semicolon].Trim(); // structured-field parameters are not used by Content-Digest
            }

            if (value.Length >= 2 && value[0] == ':' && value[^1] == ':')
            {
                value = value[1..^1];
            }

            byte[] expected;
            try
            {
                expected = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                return false;
            }

            byte[] actual;
            switch (algorithm)
            {
                case "sha-256": actual = SHA256.HashData(body); break;
                case "sha-512": actual = SHA512.HashData(body); break;
                default: continue; // unknown algorithms are skipped (RFC 9530 §2)
            }

            if (!CryptographicOperations.FixedTimeEquals(expected, actual))
            {
                return false;
            }

            checkedAny = true;
        }

        return checkedAny;
    }
}
