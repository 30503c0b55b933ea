using System.Numerics;

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

    /// <summary>The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ structHash).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative or above uint96 (v2) / uint128 (v1).</exception>
    /// <exception cref="FormatException">The escrow or channel id is malformed.</exception>
    public static byte[] Hash(SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount) =>
        throw new NotImplementedException();

    /// <summary>Signs a voucher through <paramref name="signer"/> (checked and low-s normalised by the wallet's signing path).</summary>
    /// <exception cref="Keys.TempoSignerException">The signer failed or returned an unusable signature.</exception>
    public static ValueTask<SignedVoucher> SignAsync(
        ITempoSigner signer, SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>The address (lower-case) that signed <paramref name="signature"/> (65-byte r ‖ s ‖ v with v 27/28 or 0/1,
    /// or 64-byte EIP-2098 compact) over the voucher.</summary>
    /// <exception cref="FormatException">The signature is malformed, high-s, or recovers to no key.</exception>
    public static string Recover(SessionProtocol protocol, string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount, string signature) =>
        throw new NotImplementedException();

    /// <summary>True when the signature is well formed and recovers to <paramref name="expectedSigner"/>; never throws for
    /// a bad signature.</summary>
    public static bool Verify(SessionProtocol protocol, string escrow, ulong chainId, SignedVoucher voucher, string expectedSigner) =>
        throw new NotImplementedException();
}
