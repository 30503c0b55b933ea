using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Transactions;
using Nethereum.Signer;

namespace Mpp.Client.Tempo.Tests.Security;

/// <summary>
/// The built-in key signs with NBitcoin.Secp256k1; Nethereum (the signer it replaced) and ox (what mppx and viem sign
/// with) must produce the very same 65 bytes for the same key and digest (RFC 6979 deterministic k, low s, v = 27/28),
/// and every signature must recover to the key's address.
/// </summary>
public sealed class SignerCrossCheckTests
{
    private static readonly BigInteger CurveOrder = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", CultureInfo.InvariantCulture);

    /// <summary>Random keys and digests (a fixed seed, so a failure reproduces), plus the edge scalars and digests.</summary>
    private static List<(byte[] Key, byte[] Digest)> Cases(int count, int seed)
    {
#pragma warning disable CA5394 // test inputs, not secrets
        var random = new Random(seed);
        var cases = new List<(byte[], byte[])>
        {
            (Scalar(BigInteger.One), new byte[32]),
            (Scalar(CurveOrder - 1), Enumerable.Repeat((byte)0xff, 32).ToArray()), // digest ≥ n: reduced mod n (RFC 6979 bits2octets)
            (Scalar(CurveOrder - 1), Scalar(CurveOrder)),
        };
        while (cases.Count < count)
        {
            var key = new byte[32];
            var digest = new byte[32];
            random.NextBytes(key);
            random.NextBytes(digest);
            var scalar = new BigInteger(key, isUnsigned: true, isBigEndian: true);
            if (!scalar.IsZero && scalar < CurveOrder)
            {
                cases.Add((key, digest));
            }
        }
#pragma warning restore CA5394

        return cases;
    }

    private static byte[] Scalar(BigInteger value)
    {
        var bytes = new byte[32];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, 32 - raw.Length);
        return bytes;
    }

    [Fact]
    public void NBitcoin_and_Nethereum_sign_byte_identically_and_both_recover_the_address()
    {
        foreach (var (keyBytes, digest) in Cases(150, seed: 20261130))
        {
            var ours = TempoPrivateKey.FromHex(Convert.ToHexString(keyBytes));
            var nethereumKey = new EthECKey(keyBytes, isPrivate: true);
            var nethereum = nethereumKey.SignAndCalculateV(digest);
            var signature = ours.SignHash(digest);

            Assert.Equal(nethereumKey.GetPublicAddress(), ours.Address);
            Assert.Equal([.. Pad(nethereum.R), .. Pad(nethereum.S), nethereum.V[^1]], signature.ToRsv());
            Assert.True(signature.SValue <= CurveOrder / 2, "s is in the lower half of the order (EIP-2)");
            Assert.Equal(ours.Address, signature.RecoverAddress(digest));
            Assert.Equal(ours.Address, EthECKey.RecoverFromSignature(nethereum, digest).GetPublicAddress());
        }
    }

    [Fact]
    public async Task Signatures_and_addresses_match_ox_for_random_keys()
    {
        var cases = Cases(60, seed: 4217);
        var items = new JsonArray();
        foreach (var (key, digest) in cases)
        {
            items.Add(new JsonObject { ["privateKey"] = Hex.Encode(key), ["hash"] = Hex.Encode(digest) });
        }

        var answers = (await Oracle.CallAsync(new JsonObject { ["op"] = "signMany", ["items"] = items })).AsArray();

        Assert.Equal(cases.Count, answers.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = TempoPrivateKey.FromHex(Hex.Encode(cases[i].Key));
            Assert.Equal(answers[i]!["address"].Str(), ours.Address);
            Assert.Equal(answers[i]!["signature"].Str(), Hex.Encode(ours.SignHash(cases[i].Digest).ToRsv()));
        }
    }

    [Fact]
    public async Task One_key_signs_the_same_bytes_from_many_threads()
    {
        var key = Samples.Key;
        var digests = Cases(64, seed: 7).Select(c => c.Digest).ToArray();
        var expected = digests.Select(d => Hex.Encode(key.SignHash(d).ToRsv())).ToArray();

        var concurrent = await Task.WhenAll(digests.Select(d => Task.Run(() => Hex.Encode(key.SignHash(d).ToRsv()))));

        Assert.Equal(expected, concurrent);
    }

    [Fact]
    public void Recovery_refuses_what_recovers_to_no_key()
    {
        var digest = new byte[32];
        var zero = new TempoSignature(new byte[32], new byte[32], 0);
        var overflow = new TempoSignature(Scalar(CurveOrder), Scalar(BigInteger.One), 0);

        Assert.Throws<InvalidOperationException>(() => zero.RecoverAddress(digest));
        Assert.Throws<FormatException>(() => overflow.RecoverAddress(digest));
        Assert.Throws<ArgumentException>(() => zero.RecoverAddress(new byte[31]));
    }

    [Fact]
    public void The_native_library_loads_on_the_platforms_it_ships_for()
    {
        // Secp256k1.Net ships libsecp256k1 for these; a silent fallback to the managed port would cost ~10× per sign.
        var shipped = (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
            && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64;
        Assert.Equal(shipped, NativeSecp256k1.IsAvailable);
    }

    [Fact]
    public void The_managed_switch_turns_the_native_library_off_and_the_bytes_stay_the_same()
    {
        var key = Samples.Key;
        var digest = Keccak.Hash("switch"u8);
        var before = key.SignHash(digest).ToRsv();
        AppContext.SetSwitch(NativeSecp256k1.ManagedSwitch, true);
        try
        {
            Assert.False(NativeSecp256k1.IsAvailable);
            Assert.Equal(before, key.SignHash(digest).ToRsv());
            Assert.Equal(key.Address, key.SignHash(digest).RecoverAddress(digest));
        }
        finally
        {
            AppContext.SetSwitch(NativeSecp256k1.ManagedSwitch, false);
        }

        Assert.True(NativeSecp256k1.IsAvailable);
    }

    [Fact]
    public void Native_and_managed_libsecp256k1_sign_and_recover_byte_identically()
    {
        Assert.True(NativeSecp256k1.IsAvailable, "native libsecp256k1 loads here (see the test above)");
        foreach (var (keyBytes, digest) in Cases(300, seed: 20261201))
        {
            var key = TempoPrivateKey.FromHex(Convert.ToHexString(keyBytes));
            var native = key.SignHashNative(digest);
            var managed = key.SignHashManaged(digest);

            Assert.Equal(managed.ToRsv(), native.ToRsv());
            Assert.Equal(key.Address, native.RecoverAddressNative(digest));
            Assert.Equal(key.Address, native.RecoverAddressManaged(digest));
            Assert.Equal(key.Address.ToLowerInvariant(), native.RecoverLowerAddress(digest));

            // A signature over another digest recovers, on both paths, to the same other address (not the key's).
            var other = Keccak.Hash(digest);
            Assert.Equal(native.RecoverAddressManaged(other), native.RecoverAddressNative(other));
            Assert.NotEqual(key.Address, native.RecoverAddressNative(other));
        }
    }

    [Fact]
    public void Native_recovery_refuses_what_recovers_to_no_key_as_the_managed_one_does()
    {
        Assert.True(NativeSecp256k1.IsAvailable, "native libsecp256k1 loads here (see the test above)");
        var digest = new byte[32];
        var zero = new TempoSignature(new byte[32], new byte[32], 0);
        var zeroS = new TempoSignature(Scalar(BigInteger.One), new byte[32], 1);
        var overflowR = new TempoSignature(Scalar(CurveOrder), Scalar(BigInteger.One), 0);
        var overflowS = new TempoSignature(Scalar(BigInteger.One), Scalar(CurveOrder + 1), 0);

        foreach (var recover in new Func<TempoSignature, byte[], string>[] { (s, d) => s.RecoverAddressNative(d), (s, d) => s.RecoverAddressManaged(d) })
        {
            Assert.Throws<InvalidOperationException>(() => recover(zero, digest));
            Assert.Throws<InvalidOperationException>(() => recover(zeroS, digest));
            Assert.Throws<FormatException>(() => recover(overflowR, digest));
            Assert.Throws<FormatException>(() => recover(overflowS, digest));
            Assert.Throws<ArgumentException>(() => recover(zero, new byte[31]));
        }
    }

    private static byte[] Pad(byte[] value) => [.. new byte[32 - value.Length], .. value];
}
