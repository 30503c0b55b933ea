using Nethereum.Signer;

namespace Mpp.Client.X402.Tests.Support;

/// <summary>
/// An <see cref="IEvmSigner"/> standing in for a KMS: Nethereum's own signer (not the wallet's), optionally returning
/// high-s signatures, signatures by another key, or garbage, to exercise the wallet's checks.
/// </summary>
internal sealed class RemoteSigner(byte[] key) : IEvmSigner
{
    private readonly EthECKey _key = new(key, isPrivate: true);

    public string Address => _key.GetPublicAddress();

    public Func<byte[], byte[]>? Tamper { get; init; }

    public int Calls { get; private set; }

    public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken)
    {
        Calls++;
        var signature = _key.SignAndCalculateV(digest.ToArray());
        var rsv = new byte[65];
        signature.R.CopyTo(rsv, 32 - signature.R.Length);
        signature.S.CopyTo(rsv, 64 - signature.S.Length);
        rsv[64] = signature.V[0];
        return new(Tamper is null ? rsv : Tamper(rsv));
    }
}
