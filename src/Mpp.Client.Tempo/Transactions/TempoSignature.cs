using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using NBitcoin.Secp256k1;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>A secp256k1 signature: r, s (32 bytes each, big-endian) and the y parity (0 or 1).</summary>
internal sealed class TempoSignature
{
    private readonly byte[] _r;
    private readonly byte[] _s;

    public TempoSignature(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, int yParity)
    {
        if (r.Length > 32 || s.Length > 32)
        {
            throw new ArgumentException("r and s are at most 32 bytes.");
        }

        if (yParity is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(yParity), yParity, "The y parity is 0 or 1.");
        }

        _r = LeftPad(r);
        _s = LeftPad(s);
        YParity = yParity;
    }

    public ReadOnlySpan<byte> R => _r;

    public ReadOnlySpan<byte> S => _s;

    public int YParity { get; }

    /// <summary>
    /// The 65-byte form r ‖ s ‖ v with v = 27 + yParity. This is what ox emits for a secp256k1 envelope
    /// (ox <c>src/tempo/SignatureEnvelope.ts</c> <c>serialize</c> → <c>core/Signature.ts</c> <c>toHex</c>, which writes
    /// <c>yParityToV</c>), so the bytes, and the transaction hash over them, match what mppx and viem produce.
    /// </summary>
    public byte[] ToRsv()
    {
        var bytes = new byte[65];
        _r.CopyTo(bytes, 0);
        _s.CopyTo(bytes, 32);
        bytes[64] = (byte)(27 + YParity);
        return bytes;
    }

    /// <summary>Reads r ‖ s ‖ v; v is 27/28 or 0/1 (tempoxyz/tempo-go writes the parity itself).</summary>
    public static TempoSignature FromRsv(ReadOnlySpan<byte> rsv)
    {
        if (rsv.Length != 65)
        {
            throw new FormatException($"A secp256k1 signature is 65 bytes, found {rsv.Length}.");
        }

        var v = rsv[64];
        var parity = v switch
        {
            0 or 1 => v,
            27 or 28 => v - 27,
            _ => throw new FormatException($"Unexpected signature v {v}."),
        };
        return new TempoSignature(rsv[..32], rsv[32..64], parity);
    }

    /// <summary>The address (EIP-55) whose key made this signature over <paramref name="hash"/> (public key recovery,
    /// libsecp256k1's <c>secp256k1_ecdsa_recover</c>: native where it loads, else NBitcoin.Secp256k1's port).</summary>
    /// <exception cref="FormatException">r or s is not below the group order.</exception>
    /// <exception cref="InvalidOperationException">No public key recovers from this signature.</exception>
    public string RecoverAddress(ReadOnlySpan<byte> hash) => TempoAddresses.Of(RecoverPublicKey(hash));

    /// <summary><see cref="RecoverAddress"/> in lower case (what verifiers compare), without computing the EIP-55
    /// checksum only to drop it.</summary>
    /// <exception cref="FormatException">r or s is not below the group order.</exception>
    /// <exception cref="InvalidOperationException">No public key recovers from this signature.</exception>
    public string RecoverLowerAddress(ReadOnlySpan<byte> hash) => TempoAddresses.LowerOf(RecoverPublicKey(hash));

    /// <summary><see cref="RecoverAddress"/> with native libsecp256k1; the caller checked it is available.</summary>
    internal string RecoverAddressNative(ReadOnlySpan<byte> hash) => TempoAddresses.Of(RecoverPublicKeyNative(hash));

    /// <summary><see cref="RecoverAddress"/> with NBitcoin.Secp256k1 (managed code).</summary>
    internal string RecoverAddressManaged(ReadOnlySpan<byte> hash) => TempoAddresses.Of(RecoverPublicKeyManaged(hash));

    /// <summary>The 65-byte uncompressed public key that made this signature over <paramref name="hash"/>.</summary>
    private byte[] RecoverPublicKey(ReadOnlySpan<byte> hash) =>
        NativeSecp256k1.IsAvailable ? RecoverPublicKeyNative(hash) : RecoverPublicKeyManaged(hash);

    private byte[] RecoverPublicKeyNative(ReadOnlySpan<byte> hash)
    {
        Span<byte> compact = stackalloc byte[64];
        CompactForRecovery(hash, compact);
        return NativeSecp256k1.Recover(compact, YParity, hash)
            ?? throw new InvalidOperationException("No public key recovers from this signature.");
    }

    private byte[] RecoverPublicKeyManaged(ReadOnlySpan<byte> hash)
    {
        Span<byte> compact = stackalloc byte[64];
        CompactForRecovery(hash, compact);
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact, YParity, out var signature) || signature is null)
        {
            throw new FormatException("r or s of the signature is out of range.");
        }

        if (!ECPubKey.TryRecover(Context.Instance, signature, hash, out var publicKey) || publicKey is null)
        {
            throw new InvalidOperationException("No public key recovers from this signature.");
        }

        var uncompressed = new byte[65];
        publicKey.WriteToSpan(compressed: false, uncompressed, out _);
        return uncompressed;
    }

    /// <summary>Checks the digest length and r, s below the group order (libsecp256k1's compact parse refuses them
    /// the same way on both paths), and writes r ‖ s.</summary>
    private void CompactForRecovery(ReadOnlySpan<byte> hash, Span<byte> compact)
    {
        if (hash.Length != 32)
        {
            throw new ArgumentException("A signed digest is 32 bytes.", nameof(hash));
        }

        if (_r.AsSpan().SequenceCompareTo(CurveOrder) >= 0 || _s.AsSpan().SequenceCompareTo(CurveOrder) >= 0)
        {
            throw new FormatException("r or s of the signature is out of range.");
        }

        _r.CopyTo(compact);
        _s.CopyTo(compact[32..]);
    }

    /// <summary>The secp256k1 group order n, big-endian.</summary>
    private static ReadOnlySpan<byte> CurveOrder =>
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ];

    public BigInteger RValue => new(_r, isUnsigned: true, isBigEndian: true);

    public BigInteger SValue => new(_s, isUnsigned: true, isBigEndian: true);

    public override string ToString() => $"TempoSignature {{ {Hex.Encode(ToRsv())} }}";

    private static byte[] LeftPad(ReadOnlySpan<byte> value)
    {
        var padded = new byte[32];
        value.CopyTo(padded.AsSpan(32 - value.Length));
        return padded;
    }
}
