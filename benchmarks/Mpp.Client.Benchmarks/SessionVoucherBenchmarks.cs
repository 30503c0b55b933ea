using System.Numerics;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using NBitcoin.Secp256k1;
using NBitcoinKey = NBitcoin.Secp256k1.ECPrivKey;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// One tempo/session voucher as the payer makes it per request: the v2 EIP-712 digest (domain separator, struct hash,
/// 0x1901 digest), the secp256k1 sign through the built-in signer (low-s, v = 27/28), and the 65-byte hex; then the
/// credential payload JSON around it. Beside them the server's check (recover the signer). The baseline is the floor
/// every voucher pays: a bare native libsecp256k1 sign of a 32-byte digest with recovery id (Secp256k1.Net, what the
/// built-in key signs with where the library loads), in the same run; the bare NBitcoin.Secp256k1 sign (the managed
/// fallback) and the managed voucher beside it. The Sign* rows take the managed sign apart (nonce, k·G, k⁻¹);
/// <see cref="VoucherAllCores"/> signs vouchers on every core at once (per-voucher time = wall time / vouchers).
/// </summary>
[MemoryDiagnoser]
public class SessionVoucherBenchmarks
{
    private const string ChannelId = "0x6d0f4fdf1f2f6a1f6c1b0fbd6a7d5c2c0a8d3d7b1f6a9c1b3e2d4a5b6c7d8e9f";

    // viem signTypedData / ox Channel.getVoucherSignPayload for the same inputs (interop/tempo/oracle.mjs "vouchers").
    private const string ViemDigest = "0x96944f0604338af216641e74be06205fc8754e2f95282969cf9181835da881ab";
    private const string ViemSignature = "0x49b6f20e6914bbb55eca90cce825689fdce1171162401c2474f385c4aea9d8cc57193b2761963df6336f8d7ee09891fad3519b4568f351f75c45f2d0cfcd1c7c1c";

    private static readonly BigInteger Amount = 250_000;

    private const int ParallelVouchers = 64;

    private readonly byte[] _digest = Convert.FromHexString(ViemDigest[2..]);
    private readonly byte[] _secret = Convert.FromHexString(TempoCredentialBenchmarks.PrivateKeyHex[2..]);
    private Scalar _nonce;
    private NBitcoinKey _nbitcoinKey = null!;
    private TempoKeySigner _signer = null!;
    private TempoPrivateKey _key = null!;
    private byte[] _rs = null!;
    private byte _recoveryId;
    private byte[] _publicKey = null!;
    private ChannelDescriptor _descriptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keyBytes = Convert.FromHexString(TempoCredentialBenchmarks.PrivateKeyHex[2..]);
        _nbitcoinKey = NBitcoinKey.Create(keyBytes);
        Span<byte> nonce = stackalloc byte[32];
        TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce, _digest, _secret, default, 0);
        _nonce = new Scalar(nonce, out _);
        _key = TempoPrivateKey.FromHex(TempoCredentialBenchmarks.PrivateKeyHex);
        _signer = new TempoKeySigner(_key);
        (_rs, _recoveryId) = Secp256k1Net.Secp256k1.SignRecoverable(_digest, _secret);
        _publicKey = Secp256k1Net.Secp256k1.RecoverPublicKey(_rs, _recoveryId, _digest, compressed: false);
        _descriptor = new ChannelDescriptor(_signer.Address, TempoCredentialBenchmarks.Recipient, EscrowAbi.ZeroAddress, TempoCredentialBenchmarks.Token,
            ChannelId, _signer.Address, ChannelId);
        if (!NativeSecp256k1.IsAvailable)
        {
            throw new InvalidOperationException("Native libsecp256k1 did not load: the rows would measure the managed fallback twice.");
        }

        if (Hex.Encode(VoucherDigest()) != ViemDigest || Voucher() != ViemSignature || VoucherManaged() != ViemSignature
            || RecoverSigner() != _signer.Address.ToLowerInvariant() || !string.Equals(RecoverSignerManaged(), _signer.Address, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The voucher is not the one viem makes for the same inputs.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _nbitcoinKey.Dispose();

    /// <summary>The floor: native libsecp256k1 signs the digest with its recovery id (RFC 6979, low s).</summary>
    [Benchmark(Baseline = true)]
    public int BareSignNative() => Secp256k1Net.Secp256k1.SignRecoverable(_digest, _secret).RecoveryId;

    /// <summary>The managed fallback's bare sign: NBitcoin.Secp256k1 with its own nonce function.</summary>
    [Benchmark]
    public int BareSignNBitcoin()
    {
        _nbitcoinKey.TrySignECDSA(_digest, null, out var recoveryId, out var signature);
        return signature is null ? -1 : recoveryId;
    }

    /// <summary>The same sign with <see cref="TempoPrivateKey.Rfc6979Nonce"/> (what <see cref="TempoPrivateKey"/> uses): same bytes.</summary>
    [Benchmark]
    public int BareSignRfc6979Nonce()
    {
        _nbitcoinKey.TrySignECDSA(_digest, TempoPrivateKey.Rfc6979Nonce.Instance, out var recoveryId, out var signature);
        return signature is null ? -1 : recoveryId;
    }

    /// <summary>Part of the sign: NBitcoin's own RFC 6979 nonce.</summary>
    [Benchmark]
    public byte SignPartNonceNBitcoin()
    {
        Span<byte> nonce = stackalloc byte[32];
        RFC6979NonceFunction.Instance.TryGetNonce(nonce, _digest, _secret, default, 0);
        return nonce[0];
    }

    /// <summary>Part of the sign: the same nonce from <see cref="TempoPrivateKey.Rfc6979Nonce"/>.</summary>
    [Benchmark]
    public byte SignPartNonceRfc6979()
    {
        Span<byte> nonce = stackalloc byte[32];
        TempoPrivateKey.Rfc6979Nonce.Instance.TryGetNonce(nonce, _digest, _secret, default, 0);
        return nonce[0];
    }

    /// <summary>Part of the sign: R = k·G (constant-time comb over the precomputed table) and its affine x.</summary>
    [Benchmark]
    public bool SignPartNonceTimesG() => ECMultGenContext.Instance.MultGen(_nonce).ToGroupElement().x.IsOdd;

    /// <summary>Part of the sign: k⁻¹ mod n (constant time).</summary>
    [Benchmark]
    public bool SignPartNonceInverse() => _nonce.Inverse().IsHigh;

    /// <summary>The EIP-712 digest only.</summary>
    [Benchmark]
    public byte[] VoucherDigest() => SessionVoucher.Hash(SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount);

    /// <summary>Digest + sign + hex: what "vouchers signed per second" counts.</summary>
    [Benchmark]
    public string Voucher() => SessionVoucher.SignAsync(_signer, SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount, CancellationToken.None)
        .GetAwaiter().GetResult().Signature;

    /// <summary>Digest + sign + hex with the managed fallback (NBitcoin.Secp256k1): the same bytes.</summary>
    [Benchmark]
    public string VoucherManaged() =>
        Hex.Encode(_key.SignHashManaged(SessionVoucher.Hash(SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount)).ToRsv());

    /// <summary>Vouchers signed on every core at once (one signer shared); the mean is per voucher.</summary>
    [Benchmark(OperationsPerInvoke = ParallelVouchers)]
    public int VoucherAllCores()
    {
        var lengths = 0;
        Parallel.For(0, ParallelVouchers, i =>
        {
            var signature = SessionVoucher.SignAsync(_signer, SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, Amount + i, CancellationToken.None)
                .GetAwaiter().GetResult().Signature;
            Interlocked.Add(ref lengths, signature.Length);
        });
        return lengths;
    }

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

    /// <summary>Part of the recovery: native libsecp256k1 recovers the public key only (no digest, no address).</summary>
    [Benchmark]
    public int RecoverPartPublicKeyNative() =>
        Secp256k1Net.Secp256k1.RecoverPublicKey(_rs, _recoveryId, _digest, compressed: false).Length;

    /// <summary>Part of the recovery: the address of a public key (Keccak-256, EIP-55 checksum).</summary>
    [Benchmark]
    public string RecoverPartAddress() => TempoAddresses.Of(_publicKey);

    /// <summary>The same recovery with the managed fallback.</summary>
    [Benchmark]
    public string RecoverSignerManaged() =>
        Mpp.Client.Tempo.Transactions.TempoSignature.FromRsv(Convert.FromHexString(ViemSignature[2..])).RecoverAddressManaged(_digest);
}
