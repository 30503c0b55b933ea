using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// EIP-712 vouchers (draft-tempo-session-00 § "Voucher Signing Format"). v2: domain
/// <c>{name: "TIP20 Channel Reserve", version: "1", chainId, verifyingContract: escrow}</c>, type
/// <c>Voucher(bytes32 channelId,uint96 cumulativeAmount)</c> (ox <c>Channel.getVoucherSignPayload</c>). v1: domain name
/// <c>"Tempo Stream Channel"</c>, type <c>Voucher(bytes32 channelId,uint128 cumulativeAmount)</c> (mppx 0.11.0
/// <c>tempo/legacy/session/Voucher.js</c>). Signatures are 65 bytes r ‖ s ‖ v with v = 27/28, low s.
/// </summary>
internal static class SessionVoucher
{
    /// <summary>The v2 domain name.</summary>
    public const string V2DomainName = "TIP20 Channel Reserve";

    /// <summary>The v1 domain name.</summary>
    public const string V1DomainName = "Tempo Stream Channel";

    /// <summary>The domain version of both.</summary>
    public const string DomainVersion = "1";

    private const string DomainType = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    private static readonly byte[] DomainTypeHash = Keccak.Hash(DomainType);
    private static readonly byte[] V2NameHash = Keccak.Hash(V2DomainName);
    private static readonly byte[] V1NameHash = Keccak.Hash(V1DomainName);
    private static readonly byte[] VersionHash = Keccak.Hash(DomainVersion);
    private static readonly byte[] V2TypeHash = Keccak.Hash("Voucher(bytes32 channelId,uint96 cumulativeAmount)");
    private static readonly byte[] V1TypeHash = Keccak.Hash("Voucher(bytes32 channelId,uint128 cumulativeAmount)");

    /// <summary>secp256k1 n / 2: a voucher signature with a larger s is refused (EIP-2; the spec's malleability rule).</summary>
    private static readonly BigInteger HalfOrder = BigInteger.Parse(
        "57896044618658097711785492504343953926418782139537452191302581570759080747168", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The domain separator keccak256(abi.encode(typeHash, keccak(name), keccak("1"), chainId, escrow)).</summary>
    public static byte[] DomainSeparator(SessionProtocol protocol, string escrow, ulong chainId)
    {
        Span<byte> words = stackalloc byte[5 * AbiWords.Size];
        DomainTypeHash.CopyTo(words);
        (protocol switch
        {
            SessionProtocol.V2 => V2NameHash,
            SessionProtocol.V1 => V1NameHash,
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown session protocol."),
        }).CopyTo(words[32..]);
        VersionHash.CopyTo(words[64..]);
        AbiWords.WriteUInt(words[96..], new BigInteger(chainId), 256, "chainId");
        AbiWords.WriteAddress(words[128..], escrow);
        return Keccak.Hash(words);
    }

    /// <summary>The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ structHash).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative or above uint96 (v2) / uint128 (v1).</exception>
    /// <exception cref="FormatException">The escrow or channel id is malformed.</exception>
    public static byte[] Hash(SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount)
    {
        var domain = DomainSeparator(protocol, escrow, chainId);
        Span<byte> message = stackalloc byte[3 * AbiWords.Size];
        (protocol == SessionProtocol.V2 ? V2TypeHash : V1TypeHash).CopyTo(message);
        AbiWords.WriteBytes32(message[32..], channelId, "channel id");
        AbiWords.WriteUInt(message[64..], cumulativeAmount, protocol == SessionProtocol.V2 ? 96 : 128, "cumulativeAmount");

        Span<byte> digest = stackalloc byte[2 + 32 + 32];
        digest[0] = 0x19;
        digest[1] = 0x01;
        domain.CopyTo(digest[2..]);
        Keccak.Hash(message).CopyTo(digest[34..]);
        return Keccak.Hash(digest);
    }

    /// <summary>Signs a voucher through <paramref name="signer"/> (checked and low-s normalised by the wallet's signing path).</summary>
    /// <exception cref="TempoSignerException">The signer failed or returned an unusable signature.</exception>
    public static ValueTask<SignedVoucher> SignAsync(
        ITempoSigner signer, SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var digest = Hash(protocol, escrow, chainId, channelId, cumulativeAmount);
        var signing = TempoSigning.SignAsync(signer, digest, cancellationToken);
        return signing.IsCompletedSuccessfully
            ? new ValueTask<SignedVoucher>(Signed(channelId, cumulativeAmount, signing.Result))
            : AwaitSignedAsync(signing, channelId, cumulativeAmount);
    }

    private static async ValueTask<SignedVoucher> AwaitSignedAsync(ValueTask<TempoSignature> signing, string channelId, BigInteger cumulativeAmount) =>
        Signed(channelId, cumulativeAmount, await signing.ConfigureAwait(false));

    private static SignedVoucher Signed(string channelId, BigInteger cumulativeAmount, TempoSignature signature) =>
        new(AbiWords.NormalizeBytes32(channelId, "channel id"), cumulativeAmount, Hex.Encode(signature.ToRsv()));

    /// <summary>The address (lower-case) that signed <paramref name="signature"/> (65-byte r ‖ s ‖ v with v 27/28 or 0/1,
    /// or 64-byte EIP-2098 compact) over the voucher.</summary>
    /// <exception cref="FormatException">The signature is malformed, high-s, or recovers to no key.</exception>
    public static string Recover(SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount, string signature)
    {
        var parsed = ParseSignature(signature);
        var digest = Hash(protocol, escrow, chainId, channelId, cumulativeAmount);
        try
        {
            return parsed.RecoverLowerAddress(digest);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("The voucher signature recovers to no key.", e);
        }
    }

    /// <summary>True when the signature is well formed and recovers to <paramref name="expectedSigner"/>; never throws for
    /// a bad signature.</summary>
    public static bool Verify(SessionProtocol protocol, string escrow, ulong chainId, SignedVoucher voucher, string expectedSigner)
    {
        ArgumentNullException.ThrowIfNull(voucher);
        try
        {
            var recovered = Recover(protocol, escrow, chainId, voucher.ChannelId, voucher.CumulativeAmount, voucher.Signature);
            return string.Equals(recovered, EvmAddress.Normalize(expectedSigner), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Reads 65-byte r ‖ s ‖ v (v 27/28 or 0/1) or 64-byte EIP-2098 r ‖ yParityAndS; refuses high s.</summary>
    internal static TempoSignature ParseSignature(string signature)
    {
        byte[] bytes;
        try
        {
            bytes = Hex.Decode(signature ?? throw new FormatException("The voucher signature is missing."));
        }
        catch (FormatException e)
        {
            throw new FormatException("The voucher signature is not hex.", e);
        }

        TempoSignature parsed;
        if (bytes.Length == 64)
        {
            var parity = bytes[32] >> 7;
            var s = bytes[32..64];
            s[0] &= 0x7f;
            parsed = new TempoSignature(bytes.AsSpan(0, 32), s, parity);
        }
        else if (bytes.Length == 65)
        {
            parsed = TempoSignature.FromRsv(bytes);
        }
        else
        {
            throw new FormatException("A voucher signature is 65 bytes (r ‖ s ‖ v) or 64 bytes (EIP-2098).");
        }

        if (parsed.SValue > HalfOrder || parsed.SValue.IsZero || parsed.RValue.IsZero)
        {
            throw new FormatException("The voucher signature's s is not in the lower half of the curve order (EIP-2).");
        }

        return parsed;
    }
}
