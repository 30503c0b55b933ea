namespace Mpp.Client.X402;

/// <summary>
/// Signs for one EVM account: a raw key held in memory (the built-in signer behind <c>Mpp:X402:PrivateKey</c>), or a
/// KMS, HSM or remote signer. The wallet computes the EIP-712 digest of each authorization itself and asks only for a
/// secp256k1 signature over those 32 bytes.
/// </summary>
/// <remarks>
/// A signature from a signer other than the built-in one is checked before use: it must recover to
/// <see cref="Address"/>, or the payment is refused with nothing sent. A high-s signature is normalised to low-s (EIP-2).
/// </remarks>
public interface IEvmSigner
{
    /// <summary>The account address, 0x-prefixed hex (any case): the <c>from</c> of every authorization.</summary>
    string Address { get; }

    /// <summary>Signs a 32-byte digest and returns 65 bytes <c>r ‖ s ‖ v</c> (big-endian r and s; v = 27/28 or the y parity 0/1).</summary>
    /// <param name="digest">The 32-byte digest (already hashed; do not hash it again).</param>
    /// <param name="cancellationToken">Cancels a remote signing call.</param>
    ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken);
}
