using System.Security.Cryptography;
using HmacSha256 = System.Security.Cryptography.HMACSHA256;
using NBitcoin.Secp256k1;

namespace Mpp.Client.Tempo.Keys;

/// <summary>
/// RFC 6979 deterministic ECDSA nonces for secp256k1 with HMAC-SHA256, exactly as libsecp256k1's
/// <c>nonce_function_rfc6979</c> (and NBitcoin.Secp256k1's <see cref="RFC6979NonceFunction"/>) computes them for a plain
/// ECDSA sign (private key ‖ message, no extra data, no algorithm tag), but with the platform's one-shot
/// <see cref="HmacSha256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> on stack buffers.
/// </summary>
/// <remarks>
/// NBitcoin's nonce function builds an HMAC object per step and a <c>SHA256Managed</c> (a native hash handle with a
/// finalizer) per HMAC key, about ten per signature: that costs more than the HMAC arithmetic and is most of a sign's
/// 4 KB of garbage. The nonces are the same bytes (RFC 6979 § 3.2 steps b–h, § 3.2 h.3 for a retry), checked against
/// NBitcoin's for many keys, messages and retry counters in the tests, so the signatures stay byte-identical.
/// The class holds no state; one instance serves every thread.
/// </remarks>
internal sealed class Rfc6979Nonce : INonceFunction
{
    private const int Size = 32;

    /// <summary>The shared instance (stateless).</summary>
    public static Rfc6979Nonce Instance { get; } = new();

    private Rfc6979Nonce()
    {
    }

    /// <summary>Writes the nonce of attempt <paramref name="counter"/> (0 first) for a 32-byte key and message.</summary>
    /// <returns>False (no nonce) for anything but a plain ECDSA request: other lengths or an algorithm tag.</returns>
    public bool TryGetNonce(Span<byte> nonce32, ReadOnlySpan<byte> msg32, ReadOnlySpan<byte> key32, ReadOnlySpan<byte> algo16, uint counter)
    {
        if (nonce32.Length < Size || msg32.Length != Size || key32.Length != Size || !algo16.IsEmpty)
        {
            return false;
        }

        Span<byte> k = stackalloc byte[Size];
        Span<byte> v = stackalloc byte[Size];
        Span<byte> seed = stackalloc byte[Size + 1 + Size + Size]; // V ‖ 0x00/0x01 ‖ key ‖ message
        Span<byte> next = stackalloc byte[Size]; // HMAC output, never written over its own key or input
        try
        {
            v.Fill(0x01); // 3.2 b
            k.Clear(); // 3.2 c
            key32.CopyTo(seed[(Size + 1)..]);
            msg32.CopyTo(seed[(Size + 1 + Size)..]);

            v.CopyTo(seed);
            seed[Size] = 0x00;
            Mac(k, seed, k, next); // 3.2 d
            Mac(k, v, v, next); // 3.2 e
            v.CopyTo(seed);
            seed[Size] = 0x01;
            Mac(k, seed, k, next); // 3.2 f
            Mac(k, v, v, next); // 3.2 g

            for (uint attempt = 0; attempt <= counter; attempt++)
            {
                if (attempt > 0)
                {
                    v.CopyTo(seed); // 3.2 h.3: K = HMAC_K(V ‖ 0x00), V = HMAC_K(V)
                    seed[Size] = 0x00;
                    Mac(k, seed[..(Size + 1)], k, next);
                    Mac(k, v, v, next);
                }

                Mac(k, v, v, next); // 3.2 h.2: one 32-byte block is a whole secp256k1 candidate
            }

            v.CopyTo(nonce32);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(v);
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(next);
        }
    }

    /// <summary>target = HMAC-SHA256(key, data), through a separate buffer (target may be the key or the data).</summary>
    private static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> target, Span<byte> next)
    {
        HmacSha256.HashData(key, data, next);
        next.CopyTo(target);
    }
}
