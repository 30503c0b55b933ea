using System.Numerics;
using Mpp.Client.Methods;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// Signs a digest through an <see cref="IEvmSigner"/> and checks what comes back: 65 bytes, a known v, r and s in range,
/// s normalised to the lower half of the curve order (EIP-2), and — for any signer but the built-in key — that the
/// signature recovers to the signer's address. Failures name no key and no signature.
/// </summary>
internal static class EvmSigning
{
    private static readonly BigInteger CurveOrder = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly BigInteger HalfOrder = CurveOrder / 2;

    /// <exception cref="PaymentMethodException">The signer failed or returned an unusable signature.</exception>
    public static async ValueTask<TempoSignature> SignAsync(IEvmSigner signer, byte[] digest, string address, CancellationToken cancellationToken)
    {
        if (signer is EvmKeySigner builtIn)
        {
            return builtIn.Key.SignHash(digest);
        }

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
            throw Failed($"The EVM signer failed ({e.GetType().Name}).", e);
        }

        TempoSignature signature;
        try
        {
            signature = TempoSignature.FromRsv(rsv ?? []);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw Failed("The EVM signer returned a malformed signature (expected 65 bytes r ‖ s ‖ v).", e);
        }

        var s = signature.SValue;
        if (signature.RValue.IsZero || s.IsZero || signature.RValue >= CurveOrder || s >= CurveOrder)
        {
            throw Failed("The EVM signer returned a signature with r or s out of range.");
        }

        if (s > HalfOrder)
        {
            signature = new TempoSignature(signature.R, (CurveOrder - s).ToByteArray(isUnsigned: true, isBigEndian: true), 1 - signature.YParity);
        }

        string recovered;
        try
        {
            recovered = signature.RecoverLowerAddress(digest);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException)
        {
            throw Failed("The EVM signer's signature does not recover to any address.", e);
        }

        if (!string.Equals(recovered, address, StringComparison.Ordinal))
        {
            throw Failed("The EVM signer's signature was made by another key than its address.");
        }

        return signature;
    }

    private static PaymentMethodException Failed(string reason, Exception? inner = null) =>
        new(MppErrorCode.CredentialCreationFailed, reason, innerException: inner);
}
