using System.Numerics;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using NBitcoinKey = NBitcoin.Secp256k1.ECPrivKey;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// One tempo/session voucher as the payer makes it per request: the v2 EIP-712 digest (domain separator, struct hash,
/// 0x1901 digest), the secp256k1 sign through the built-in signer (low-s, v = 27/28), and the 65-byte hex; then the
/// credential payload JSON around it. Beside them the server's check (recover the signer). The baseline is the floor
/// every voucher pays: a bare NBitcoin.Secp256k1 sign of a 32-byte digest with recovery id, in the same run.
/// </summary>
[MemoryDiagnoser]
public class SessionVoucherBenchmarks
{
    private const string ChannelId = "0x6d0f4fdf1f2f6a1f6c1b0fbd6a7d5c2c0a8d3d7b1f6a9c1b3e2d4a5b6c7d8e9f";

    // viem signTypedData / ox Channel.getVoucherSignPayload for the same inputs (interop/tempo/oracle.mjs "vouchers").
    private const string ViemDigest = "0x96944f0604338af216641e74be06205fc8754e2f95282969cf9181835da881ab";
    private const string ViemSignature = "0x49b6f20e6914bbb55eca90cce825689fdce1171162401c2474f385c4aea9d8cc57193b2761963df6336f8d7ee09891fad3519b4568f351f75c45f2d0cfcd1c7c1c";

    private static readonly BigInteger Amount = 250_000;

    private readonly byte[] _digest = Convert.FromHexString(ViemDigest[2..]);
    private NBitcoinKey _nbitcoinKey = null!;
    private TempoKeySigner _signer = null!;
    private ChannelDescriptor _descriptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keyBytes = Convert.FromHexString(TempoCredentialBenchmarks.PrivateKeyHex[2..]);
        _nbitcoinKey = NBitcoinKey.Create(keyBytes);
        _signer = new TempoKeySigner(TempoPrivateKey.FromHex(TempoCredentialBenchmarks.PrivateKeyHex));
        _descriptor = new ChannelDescriptor(_signer.Address, TempoCredentialBenchmarks.Recipient, EscrowAbi.ZeroAddress, TempoCredentialBenchmarks.Token,
            ChannelId, _signer.Address, ChannelId);
        if (Hex.Encode(VoucherDigest()) != ViemDigest || Voucher() != ViemSignature || RecoverSigner() != _signer.Address.ToLowerInvariant())
        {
            throw new InvalidOperationException("The voucher is not the one viem makes for the same inputs.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _nbitcoinKey.Dispose();

    [Benchmark(Baseline = true)]
    public int BareSignNBitcoin()
    {
        _nbitcoinKey.TrySignECDSA(_digest, null, out var recoveryId, out var signature);
        return signature is null ? -1 : recoveryId;
    }

    /// <summary>The EIP-712 digest only.</summary>
    [Benchmark]
    public byte[] VoucherDigest() => SessionVoucher.Hash(SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount);

    /// <summary>Digest + sign + hex: what "vouchers signed per second" counts.</summary>
    [Benchmark]
    public string Voucher() => SessionVoucher.SignAsync(_signer, SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount, CancellationToken.None)
        .GetAwaiter().GetResult().Signature;

    /// <summary>The voucher and its credential payload JSON (with the descriptor).</summary>
    [Benchmark]
    public int VoucherPayload()
    {
        var voucher = SessionVoucher.SignAsync(_signer, SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount, CancellationToken.None)
            .GetAwaiter().GetResult();
        return SessionPayloads.ToJson(new SessionVoucherPayload(voucher.ChannelId, _descriptor, voucher.CumulativeAmount, voucher.Signature)).EnumerateObject().Count();
    }

    /// <summary>The server's side: recover the signer of a voucher.</summary>
    [Benchmark]
    public string RecoverSigner() => SessionVoucher.Recover(SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount, ViemSignature);
}
