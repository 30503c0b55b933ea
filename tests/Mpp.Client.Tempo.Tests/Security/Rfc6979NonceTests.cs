using Mpp.Client.Tempo.Keys;
using NBitcoin.Secp256k1;

namespace Mpp.Client.Tempo.Tests.Security;

/// <summary>
/// <see cref="TempoPrivateKey.Rfc6979Nonce"/> replaces NBitcoin.Secp256k1's own RFC 6979 nonce function on the built-in key's signing
/// path: it must give the very same nonces (first attempt and retries), hence the very same signatures and recovery ids.
/// </summary>
public sealed class Rfc6979NonceTests
{
    private static List<(byte[] Key, byte[] Message)> Cases(int count, int seed)
    {
#pragma warning disable CA5394 // test inputs, not secrets
        var random = new Random(seed);
        var cases = new List<(byte[], byte[])>
        {
            (One(), new byte[32]),
            (One(), Enumerable.Repeat((byte)0xff, 32).ToArray()),
        };
        while (cases.Count < count)
        {
            var key = new byte[32];
            var message = new byte[32];
            random.NextBytes(key);
            random.NextBytes(message);
            if (ECPrivKey.TryCreate(key, out _))
            {
                cases.Add((key, message));
            }
        }
#pragma warning restore CA5394

        return cases;
    }

    private static byte[] One()
    {
        var bytes = new byte[32];
        bytes[31] = 1;
        return bytes;
    }

    [Fact]
    public void Nonces_equal_NBitcoins_for_the_first_attempt_and_for_retries()
    {
        foreach (var (key, message) in Cases(200, seed: 1201))
        {
            for (uint counter = 0; counter < 4; counter++)
            {
                var theirs = new byte[32];
                var ours = new byte[32];
                Assert.True(RFC6979NonceFunction.Instance.TryGetNonce(theirs, message, key, default, counter));
                Assert.True(TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(ours, message, key, default, counter));
                Assert.Equal(theirs, ours);
            }
        }
    }

    [Fact]
    public void Signatures_and_recovery_ids_equal_NBitcoins_default_signing()
    {
        foreach (var (key, message) in Cases(300, seed: 1202))
        {
            using var nbitcoin = ECPrivKey.Create(key);
            Assert.True(nbitcoin.TrySignECDSA(message, null, out var expectedId, out var expected));
            Assert.True(nbitcoin.TrySignECDSA(message, TempoPrivateKey.Rfc6979Nonce.Instance, out var actualId, out var actual));
            var expectedBytes = new byte[64];
            var actualBytes = new byte[64];
            expected!.WriteCompactToSpan(expectedBytes);
            actual!.WriteCompactToSpan(actualBytes);
            Assert.Equal(expectedBytes, actualBytes);
            Assert.Equal(expectedId, actualId);
        }
    }

    [Fact]
    public void Anything_but_a_plain_ecdsa_request_gets_no_nonce()
    {
        var key = One();
        var message = new byte[32];
        var nonce = new byte[32];
        Assert.False(TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce, message, key, new byte[16], 0));
        Assert.False(TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce, message.AsSpan(1), key, default, 0));
        Assert.False(TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce, message, key.AsSpan(1), default, 0));
        Assert.False(TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce.AsSpan(1), message, key, default, 0));
        Assert.Equal(new byte[32], nonce);
    }
}
