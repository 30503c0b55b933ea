using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Keys;

/// <summary>
/// Signs a digest through an <see cref="ITempoSigner"/> and checks what comes back: 65 bytes, a known v, s normalised to
/// the lower half of the curve order (EIP-2; the Tempo node, like Ethereum's, refuses high-s), and — for any signer but
/// the built-in key — that the signature recovers to the signer's address.
/// </summary>
internal static class TempoSigning
{
    /// <summary>The secp256k1 group order n.</summary>
    private static readonly BigInteger CurveOrder = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly BigInteger HalfOrder = CurveOrder / 2;

    /// <exception cref="TempoSignerException">The signer failed or returned an unusable signature (no key material in the message).</exception>
    /// <remarks>The built-in key signs synchronously (no state machine, no recovery: its signature comes straight from
    /// libsecp256k1's computation, low-s with its own recovery id); every other signer is awaited and checked.</remarks>
    public static ValueTask<TempoSignature> SignAsync(ITempoSigner signer, byte[] digest, CancellationToken cancellationToken) =>
        signer is TempoKeySigner builtIn
            ? new ValueTask<TempoSignature>(builtIn.Key.SignHash(digest))
            : SignAndCheckAsync(signer, digest, cancellationToken);

    private static async ValueTask<TempoSignature> SignAndCheckAsync(ITempoSigner signer, byte[] digest, CancellationToken cancellationToken)
    {
        byte[] rsv;
        try
        {
            rsv = await signer.SignDigestAsync(digest, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TempoSignerException($"The Tempo signer failed ({e.GetType().Name}).", e);
        }

        TempoSignature signature;
        try
        {
            signature = TempoSignature.FromRsv(rsv ?? []);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new TempoSignerException("The Tempo signer returned a malformed signature (expected 65 bytes r ‖ s ‖ v).", e);
        }

        var s = signature.SValue;
        if (signature.RValue.IsZero || s.IsZero || signature.RValue >= CurveOrder || s >= CurveOrder)
        {
            throw new TempoSignerException("The Tempo signer returned a signature with r or s out of range.");
        }

        if (s > HalfOrder)
        {
            var low = (CurveOrder - s).ToByteArray(isUnsigned: true, isBigEndian: true);
            signature = new TempoSignature(signature.R, low, 1 - signature.YParity);
        }

        string recovered;
        try
        {
            recovered = signature.RecoverLowerAddress(digest);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException)
        {
            throw new TempoSignerException("The Tempo signer's signature does not recover to any address.", e);
        }

        if (!string.Equals(recovered, EvmAddress.Normalize(signer.Address), StringComparison.Ordinal))
        {
            throw new TempoSignerException("The Tempo signer's signature was made by another key than its address.");
        }

        return signature;
    }
}
