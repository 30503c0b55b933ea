using Secp256k1Net;

namespace Mpp.Client.Tempo.Keys;

/// <summary>
/// Signing and public-key recovery through the native libsecp256k1 (bitcoin-core/secp256k1, C) that the
/// <c>Secp256k1.Net</c> package ships for Windows, Linux (glibc and musl) and macOS on x64 and arm64. Where it does not
/// load (another platform, a trimmed-away native asset) or the application opts out with the <see cref="AppContext"/>
/// switch <c>Mpp.Client.Tempo.ManagedSecp256k1</c>, <see cref="IsAvailable"/> is false and the callers use
/// NBitcoin.Secp256k1 (the same algorithm in C#, byte-identical, about ten times slower).
/// </summary>
/// <remarks>
/// Both libraries compute RFC 6979 deterministic nonces with HMAC-SHA256 (libsecp256k1's default
/// <c>secp256k1_nonce_function_rfc6979</c>, which NBitcoin ports), normalise s to the lower half and return the recovery
/// id from the same computation, so a signature is the same 65 bytes on either path; the tests sign and recover with
/// both for many keys and digests. Secp256k1.Net loads the library with <see cref="System.Runtime.InteropServices.NativeLibrary"/>
/// and calls it through function pointers (no runtime marshalling stubs), which Native AOT supports; its static methods
/// use a context per thread.
/// </remarks>
internal static class NativeSecp256k1
{
    /// <summary>The <see cref="AppContext"/> switch that keeps signing in managed code.</summary>
    public const string ManagedSwitch = "Mpp.Client.Tempo.ManagedSecp256k1";

    /// <summary>True when the native library loaded and signs correctly here (checked once per process) and the
    /// application has not turned the <see cref="ManagedSwitch"/> on (read on each call).</summary>
    public static bool IsAvailable => Loaded && !(AppContext.TryGetSwitch(ManagedSwitch, out var managed) && managed);

    private static bool Loaded { get; } = Probe();

    /// <summary>Signs a 32-byte digest: writes r ‖ s (64 bytes, low s) and returns the recovery id, or -1 when the
    /// library refuses (a key that is not a valid scalar, or a nonce it cannot find).</summary>
    public static int Sign(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> digest, Span<byte> rs)
    {
        (byte[] Signature, byte RecoveryId) signed;
        try
        {
            signed = Secp256k1.SignRecoverable(digest, secret);
        }
        catch (ArgumentException)
        {
            return -1;
        }

        signed.Signature.CopyTo(rs);
        return signed.RecoveryId;
    }

    /// <summary>Recovers the 65-byte uncompressed public key (0x04 ‖ x ‖ y) that made <paramref name="rs"/> over
    /// <paramref name="digest"/>, or null when none does (r or s zero or not below the group order, no such point).</summary>
    public static byte[]? Recover(ReadOnlySpan<byte> rs, int recoveryId, ReadOnlySpan<byte> digest)
    {
        try
        {
            return Secp256k1.RecoverPublicKey(rs, (byte)recoveryId, digest, compressed: false);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool Probe()
    {
        try
        {
            // Key 1 signs a fixed digest; its public key is the generator G. One real round trip proves the library
            // loaded, resolved its symbols and computes on this machine.
            Span<byte> key = stackalloc byte[32];
            key[31] = 1;
            Span<byte> digest = stackalloc byte[32];
            digest.Fill(0x5a);
            Span<byte> rs = stackalloc byte[64];
            var recoveryId = Sign(key, digest, rs);
            var publicKey = recoveryId is 0 or 1 ? Recover(rs, recoveryId, digest) : null;
            return publicKey is { Length: 65 } && publicKey[1] == 0x79 && publicKey[2] == 0xbe;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException or InvalidOperationException or PlatformNotSupportedException
            or System.IO.FileNotFoundException)
        {
            return false;
        }
    }
}
