using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;
using Nethereum.Signer;

namespace Mpp.Client.Tempo.Keys;

/// <summary>
/// A secp256k1 private key (Nethereum's <see cref="EthECKey"/>) that never shows itself: <see cref="ToString"/> names the
/// address only, and a malformed key is rejected with a message that does not repeat the input.
/// </summary>
internal sealed class TempoPrivateKey
{
    private readonly EthECKey _key;

    private TempoPrivateKey(EthECKey key)
    {
        _key = key;
        Address = key.GetPublicAddress();
    }

    /// <summary>The account address, EIP-55 checksummed (as viem's <c>account.address</c>).</summary>
    public string Address { get; }

    /// <summary>Reads a 32-byte key written as hex, with or without 0x.</summary>
    public static TempoPrivateKey FromHex(string privateKeyHex)
    {
        ArgumentNullException.ThrowIfNull(privateKeyHex);
        var digits = privateKeyHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? privateKeyHex.AsSpan(2) : privateKeyHex.AsSpan();
        if (digits.Length != 64)
        {
            throw new FormatException("A private key must be 32 bytes written as 64 hex digits.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new FormatException("A private key must be 32 bytes written as 64 hex digits.");
        }

        try
        {
            return new TempoPrivateKey(new EthECKey(bytes, isPrivate: true));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new FormatException("The private key is not a valid secp256k1 scalar.");
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    /// <summary>Signs a 32-byte digest; the signature is low-s with its y parity.</summary>
    public TempoSignature SignHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32)
        {
            throw new ArgumentException("A digest to sign must be 32 bytes.", nameof(hash));
        }

        var signature = _key.SignAndCalculateV(hash.ToArray());
        var v = signature.V[^1];
        return new TempoSignature(signature.R, signature.S, v - 27);
    }

    public override string ToString() => $"TempoPrivateKey {{ Address = {Address} }}";
}
