using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Tests.Helpers;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Security;

/// <summary>No private key, whole or in part, in ToString() or an exception message of the types this package adds.</summary>
public sealed class KeySecrecyTests
{
    private static readonly string KeyDigits = Samples.TestKeyHex[2..];

    private static void AssertNoKey(string? text)
    {
        Assert.NotNull(text);
        Assert.DoesNotContain(KeyDigits[..16], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(KeyDigits[^16..], text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToString_of_every_type_shows_no_key()
    {
        var key = Samples.Key;
        var tx = Samples.PullTransfer(feePayer: true);
        var signed = tx.Sign(key);
        AssertNoKey(key.ToString());
        Assert.Contains(key.Address, key.ToString(), StringComparison.Ordinal);
        AssertNoKey(tx.ToString());
        AssertNoKey(signed.ToString());
        AssertNoKey(signed.Signature.ToString());
        AssertNoKey(tx.Calls[0].ToString());
        AssertNoKey(TempoTransactionDecoder.Decode(signed.Bytes).ToString());
        AssertNoKey(TempoProof.Sign(key, 1, "c", "r"));
    }

    [Theory]
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8")] // one digit short
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ffzz")] // not hex
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80aa")] // too long
    public void Malformed_keys_are_rejected_without_echoing_them(string bad)
    {
        var e = Assert.Throws<FormatException>(() => TempoPrivateKey.FromHex(bad));
        AssertNoKey(e.Message);
        AssertNoKey(e.ToString());
    }

    [Fact]
    public void Zero_and_out_of_range_scalars_are_rejected_without_echoing_them()
    {
        foreach (var bad in new[] { new string('0', 64), new string('f', 64) })
        {
            var e = Assert.ThrowsAny<Exception>(() => TempoPrivateKey.FromHex(bad).SignHash(new byte[32]));
            Assert.DoesNotContain(bad, e.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Errors_while_signing_show_no_key()
    {
        var key = Samples.Key;
        AssertNoKey(Assert.Throws<ArgumentException>(() => key.SignHash(new byte[31])).ToString());
        AssertNoKey(Assert.Throws<InvalidOperationException>(() => new TempoTransaction { ChainId = 1, Calls = [] }.Sign(key)).ToString());
        AssertNoKey(Assert.Throws<ArgumentOutOfRangeException>(() => new TempoCall(Samples.Payee, BigInteger.MinusOne, [])).ToString());
        AssertNoKey(Assert.Throws<FormatException>(() => TempoTransactionDecoder.Decode(Hex.Decode("0x76c0"))).ToString());
    }
}
