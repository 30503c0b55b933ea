using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Lightning;
using Mpp.Client.Lightning.Invoices;
using NBitcoin;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// What the Lightning wallet pays to read an invoice: <see cref="Bolt11Invoice.Decode"/> of a typical invoice (the
/// fields a node writes: payment secret and hash, description, expiry, min final CLTV, features; bech32, field walk,
/// signature recovery of the payee), and of the same invoice with an explicit payee (<c>n</c>: verification instead of
/// recovery). The baseline is the floor any decoder pays: one secp256k1 public-key recovery from a compact signature
/// with NBitcoin, on a fixed digest. Target: decode ≤ 2× the floor.
/// </summary>
[MemoryDiagnoser]
public class Bolt11DecodeBenchmarks
{
    private readonly Key _key = new(Convert.FromHexString("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"));
    private CompactSignature _signature = null!;
    private uint256 _digest = null!;
    private string _typical = null!;
    private string _withPayee = null!;

    [GlobalSetup]
    public void Setup()
    {
        _digest = new uint256(SHA256.HashData("mpp lightning benchmark"u8));
        _signature = _key.SignCompact(_digest);
        _typical = Invoice(explicitPayee: false);
        _withPayee = Invoice(explicitPayee: true);
        var expected = _key.PubKey.ToHex();
        if (RecoverFloor().ToHex() != expected || DecodeTypical().PayeeNodeId != expected || DecodeWithPayee().PayeeNodeId != expected
            || DecodeTypical().AmountMsat != 2_500_000)
        {
            throw new InvalidOperationException("The benchmark inputs do not decode to the signer's key.");
        }
    }

    [Benchmark(Baseline = true)]
    public PubKey RecoverFloor() => _signature.RecoverPubKey(_digest);

    [Benchmark]
    public Bolt11Invoice DecodeTypical() => Bolt11Invoice.Decode(_typical);

    [Benchmark]
    public Bolt11Invoice DecodeWithPayee() => Bolt11Invoice.Decode(_withPayee);

    private string Invoice(bool explicitPayee)
    {
        var encoder = new Bolt11Encoder(LightningNetwork.Mainnet, 2_500_000, DateTimeOffset.FromUnixTimeSeconds(1_790_000_000))
            .PaymentSecret(SHA256.HashData("secret"u8))
            .PaymentHash(SHA256.HashData("preimage"u8))
            .Description("GET /weather: current weather for one request")
            .Expiry(600)
            .MinFinalCltvExpiry(80)
            .Features(8, 14, 17);
        if (explicitPayee)
        {
            encoder.PayeeNodeId(_key.PubKey);
        }

        return encoder.Sign(_key);
    }
}
