using System.Numerics;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;
using Nethereum.Signer;
using NBitcoinKey = NBitcoin.Secp256k1.ECPrivKey;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// Tempo credential creation without RPC, as <c>TempoChargeMethod</c> does it once gas and fees are known: the
/// attribution memo, one <c>transferWithMemo</c> call, an expiring nonce, fees and gas set; validate, signing hash,
/// sign through the built-in signer, encode the 0x76 envelope, its hash (the wallet reference) and the hex on the wire.
/// Beside it the zero-amount EIP-712 proof (digest, sign, hex). The baseline is the floor any credential pays: a bare
/// secp256k1 sign of a 32-byte digest with recovery id, with Nethereum (<c>EthECKey.SignAndCalculateV</c>); the same
/// floor with NBitcoin.Secp256k1 (<c>ECPrivKey.TrySignECDSA</c> with its recovery id) is measured in the same run.
/// </summary>
[MemoryDiagnoser]
public class TempoCredentialBenchmarks
{
    // A fixed test key (never a real account); the same one interop/tempo/bench-sign.mjs signs with.
    internal const string PrivateKeyHex = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    internal const string Token = "0x20c0000000000000000000000000000000000000";
    internal const string Recipient = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    internal const ulong ChainId = 42431;
    internal const string ChallengeId = "kM9xPqWvT2nJrHsY4aDfEgUiOl8";
    internal const string Realm = "api.example.com";
    internal const ulong ValidBefore = 1_790_000_025;

    // What ox and viem produce for the same inputs (interop/tempo/bench-sign.mjs prints them): the setup checks ours.
    private const string OxPull = "0x76f9011482a5bf843b9aca0085098bca5a0082f74ff87ef87c9420c000000000000000000000000000000000000080b86495777d5900000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000000000000000000000000002710ef1ed712011ece072f76bd8b82350e00000000000000000000cd318aa67397d7c0a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80846ab13b99809420c000000000000000000000000000000000000080c0b8419a707b72fbef3311a2c018ce20527802bfdd577be29f9caf2eb5e59d64f3395a55e5bcc069bc359583039f0897913e7f9be904a6bc1d14d6580cb469fcdc001a1b";
    private const string OxProof = "0x42210f91bc3e35c68fee24bd4c7892799502000ab2cce1e5ee9adddedcd91aae70a694f30f85fca2737073a617172c2f8b8a46ab3068d9acbf20cc991f6031721c";

    private readonly byte[] _digest = Convert.FromHexString("4a5c5d454721bbbb25540c3317521e71c373ae36458f960d2ad46ef088110e95");
    private EthECKey _nethereumKey = null!;
    private NBitcoinKey _nbitcoinKey = null!;
    private TempoKeySigner _signer = null!;
    private ExternalSigner _external = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keyBytes = Convert.FromHexString(PrivateKeyHex[2..]);
        _nethereumKey = new EthECKey(keyBytes, isPrivate: true);
        _nbitcoinKey = NBitcoinKey.Create(keyBytes);
        _signer = new TempoKeySigner(TempoPrivateKey.FromHex(PrivateKeyHex));
        _external = new ExternalSigner(_signer);
        Check();
    }

    [GlobalCleanup]
    public void Cleanup() => _nbitcoinKey.Dispose();

    [Benchmark(Baseline = true)]
    public EthECDSASignature BareSignNethereum() => _nethereumKey.SignAndCalculateV(_digest);

    [Benchmark]
    public int BareSignNBitcoin()
    {
        _nbitcoinKey.TrySignECDSA(_digest, null, out var recoveryId, out var signature);
        return signature is null ? -1 : recoveryId;
    }

    [Benchmark]
    public string PullCredential() => Pull(_signer);

    [Benchmark]
    public string ProofCredential() => Proof(_signer);

    /// <summary>The pull credential through a signer that is not the built-in key (a KMS or HSM would be): its
    /// signature is checked by recovering the address before use.</summary>
    [Benchmark]
    public string PullCredentialExternalSigner() => Pull(_external);

    /// <summary>Everything in <see cref="PullCredential"/> but the signature (a fixed one is encoded instead).</summary>
    [Benchmark]
    public string PullWithoutSigning()
    {
        var transaction = Transaction();
        transaction.Validate();
        _ = transaction.SignatureHash();
        var envelope = transaction.Encode(FixedSignature);
        _ = Keccak.Hash(envelope);
        return Hex.Encode(envelope);
    }

    private static readonly TempoSignature FixedSignature = TempoSignature.FromRsv(Convert.FromHexString(
        "1c55a1f2e7d8fba6c7c6a4c5e3a17b1d2e7c8b9a0f1e2d3c4b5a69788796a5b4" + "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80910" + "1b"));

    internal static TempoTransaction Transaction()
    {
        var memo = AttributionMemo.Encode(ChallengeId, Realm, clientId: null);
        return new TempoTransaction
        {
            ChainId = ChainId,
            MaxPriorityFeePerGas = new BigInteger(1_000_000_000),
            MaxFeePerGas = new BigInteger(41_000_000_000),
            Gas = 63_311,
            Calls = [Tip20Calls.TransferWithMemo(Token, Recipient, new BigInteger(10_000), memo)],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = ValidBefore,
            FeeToken = Token,
        };
    }

    internal static string Pull(ITempoSigner signer)
    {
        var transaction = Transaction();
        transaction.Validate();
        var signature = TempoSigning.SignAsync(signer, transaction.SignatureHash(), CancellationToken.None).GetAwaiter().GetResult();
        var envelope = transaction.Encode(signature);
        _ = Keccak.Hash(envelope);
        return Hex.Encode(envelope);
    }

    internal static string Proof(ITempoSigner signer)
    {
        var digest = TempoProof.Hash(TempoProofVersion.V3, ChainId, ChallengeId, Realm, signer.Address);
        var signature = TempoSigning.SignAsync(signer, digest, CancellationToken.None).GetAwaiter().GetResult();
        return Hex.Encode(signature.ToRsv());
    }

    /// <summary>An <see cref="ITempoSigner"/> that is not the built-in type, answering at once (no I/O).</summary>
    private sealed class ExternalSigner(TempoKeySigner inner) : ITempoSigner
    {
        public string Address => inner.Address;

        public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken) =>
            inner.SignDigestAsync(digest, cancellationToken);
    }

    /// <summary>The two floors sign the same digest to the same bytes, and the credentials are the bytes ox and viem make.</summary>
    private void Check()
    {
        if (Pull(_signer) != OxPull || Proof(_signer) != OxProof || Pull(_external) != OxPull)
        {
            throw new InvalidOperationException("The credentials differ from what ox and viem produce for the same inputs.");
        }

        var nethereum = _nethereumKey.SignAndCalculateV(_digest);
        _nbitcoinKey.TrySignECDSA(_digest, null, out var recoveryId, out var signature);
        Span<byte> compact = stackalloc byte[64];
        signature!.WriteCompactToSpan(compact);
        if (!compact[..32].SequenceEqual(nethereum.R) || !compact[32..].SequenceEqual(nethereum.S) || 27 + recoveryId != nethereum.V[^1])
        {
            throw new InvalidOperationException("Nethereum and NBitcoin.Secp256k1 signed the same digest differently.");
        }
    }
}
