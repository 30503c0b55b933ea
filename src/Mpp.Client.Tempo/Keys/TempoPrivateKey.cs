using System.Security.Cryptography;
using Mpp.Client.Tempo.Transactions;
using NBitcoin.Secp256k1;
using HmacSha256 = System.Security.Cryptography.HMACSHA256;

namespace Mpp.Client.Tempo.Keys;

/// <summary>
/// A secp256k1 private key that never shows itself: <see cref="ToString"/> names the address only, and a malformed key
/// is rejected with a message that does not repeat the input.
/// </summary>
/// <remarks>
/// Signing is native libsecp256k1 where it loads (<see cref="NativeSecp256k1"/>, about 10× faster), otherwise
/// NBitcoin.Secp256k1's C# port of libsecp256k1 (<see cref="ECPrivKey.TrySignECDSA(ReadOnlySpan{byte}, INonceFunction?, out int, out SecpECDSASignature?)"/>):
/// RFC 6979 deterministic k, s normalised to the lower half (as libsecp256k1's <c>secp256k1_ecdsa_sign</c>), and the
/// recovery id from the same computation. The RFC 6979 nonce comes from <see cref="Rfc6979Nonce"/> (the same bytes as
/// the library's own nonce function, without its per-signature hash objects). It signs byte for byte as Nethereum's
/// <c>EthECKey.SignAndCalculateV</c> (RFC 6979 over BouncyCastle, which this package used before and the tests
/// cross-check against) and as ox/viem
/// (@noble/curves, RFC 6979, low-s), at a fraction of the cost: Nethereum finds v by recovering the public key for
/// each candidate, which dominated credential creation (BENCHMARKS.md, "Tempo credential creation").
/// </remarks>
internal sealed class TempoPrivateKey
{
    private const string MalformedKey = "A private key must be 32 bytes written as 64 hex digits.";

    private readonly ECPrivKey _key;

    /// <summary>The scalar for the native library (which takes keys as bytes); never shown or logged.</summary>
    private readonly byte[] _secret;

    /// <summary>The secp256k1 group order n, big-endian.</summary>
    private static ReadOnlySpan<byte> CurveOrder =>
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ];

    private TempoPrivateKey(ECPrivKey key, byte[] secret)
    {
        _key = key;
        _secret = secret;
        Address = TempoAddresses.Of(key.CreatePubKey());
    }

    /// <summary>The account address, EIP-55 checksummed (as viem's <c>account.address</c>).</summary>
    public string Address { get; }

    /// <summary>Reads a 32-byte key written as hex, with or without 0x.</summary>
    public static TempoPrivateKey FromHex(string privateKeyHex)
    {
        ArgumentNullException.ThrowIfNull(privateKeyHex);
        var digits = privateKeyHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? privateKeyHex.AsSpan(2) : privateKeyHex.AsSpan();
        if (digits.Length != 64)
        {
            throw new FormatException(MalformedKey);
        }

        Span<byte> bytes = stackalloc byte[32];
        try
        {
            if (Convert.FromHexString(digits, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            {
                throw new FormatException(MalformedKey);
            }

            // Zero and scalars ≥ the group order are refused (libsecp256k1 secp256k1_ec_seckey_verify).
            return ECPrivKey.TryCreate(bytes, out var key)
                ? new TempoPrivateKey(key, bytes.ToArray())
                : throw new FormatException("The private key is not a valid secp256k1 scalar.");
        }
        finally
        {
            bytes.Clear();
        }
    }

    /// <summary>Signs a 32-byte digest; the signature is low-s with its y parity.</summary>
    public TempoSignature SignHash(ReadOnlySpan<byte> hash) =>
        NativeSecp256k1.IsAvailable ? SignHashNative(hash) : SignHashManaged(hash);

    /// <summary>Signs with native libsecp256k1 (<see cref="NativeSecp256k1"/>); the caller checked it is available.</summary>
    internal TempoSignature SignHashNative(ReadOnlySpan<byte> hash)
    {
        Span<byte> digest = stackalloc byte[32];
        ReduceForNonce(hash, digest);
        Span<byte> rs = stackalloc byte[64];
        var recoveryId = NativeSecp256k1.Sign(_secret, digest, rs);

        // A recovery id of 2 or 3 (R.x ≥ n, probability about 2^-127) cannot be written as an Ethereum v.
        return recoveryId is 0 or 1
            ? new TempoSignature(rs[..32], rs[32..], recoveryId)
            : throw new InvalidOperationException("secp256k1 signing failed for this digest.");
    }

    /// <summary>Signs with NBitcoin.Secp256k1 (managed code), the same bytes as <see cref="SignHashNative"/>.</summary>
    internal TempoSignature SignHashManaged(ReadOnlySpan<byte> hash)
    {
        Span<byte> digest = stackalloc byte[32];
        ReduceForNonce(hash, digest);

        // A recovery id of 2 or 3 (R.x ≥ n, probability about 2^-127) cannot be written as an Ethereum v.
        if (!_key.TrySignECDSA(digest, Rfc6979Nonce.Instance, out var recoveryId, out var signature) || signature is null || recoveryId > 1)
        {
            throw new InvalidOperationException("secp256k1 signing failed for this digest.");
        }

        Span<byte> rs = stackalloc byte[64];
        signature.WriteCompactToSpan(rs);
        return new TempoSignature(rs[..32], rs[32..], recoveryId);
    }

    /// <summary>
    /// RFC 6979 §2.3.4 (bits2octets) feeds the digest reduced mod n to the nonce generator, as @noble/curves (ox, viem)
    /// and BouncyCastle (Nethereum) do; libsecp256k1 (native, and NBitcoin's port) feeds it as is. The two differ only
    /// for a digest ≥ n (about 2^-128 of Keccak outputs); reducing it first makes k, and the bytes, equal. ECDSA itself
    /// takes the digest mod n, so the signature stays valid for the original digest.
    /// </summary>
    private static void ReduceForNonce(ReadOnlySpan<byte> hash, Span<byte> digest)
    {
        if (hash.Length != 32)
        {
            throw new ArgumentException("A digest to sign must be 32 bytes.", nameof(hash));
        }

        hash.CopyTo(digest);
        if (digest.SequenceCompareTo(CurveOrder) >= 0)
        {
            var reduced = new System.Numerics.BigInteger(digest, isUnsigned: true, isBigEndian: true)
                - new System.Numerics.BigInteger(CurveOrder, isUnsigned: true, isBigEndian: true);
            digest.Clear();
            reduced.TryWriteBytes(digest[(32 - reduced.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        }
    }

    public override string ToString() => $"TempoPrivateKey {{ Address = {Address} }}";

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
    /// The class holds no state; one instance serves every thread. It is nested here because the x402 package compiles
    /// this file as its own.
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
}
