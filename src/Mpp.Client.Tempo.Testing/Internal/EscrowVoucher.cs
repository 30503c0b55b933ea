using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The EIP-712 voucher digest the escrow checks: domain <c>{name: "TIP20 Channel Reserve", version: "1", chainId,
/// verifyingContract: escrow}</c> (the name ox 0.14.33 and mppx 0.11.0 sign with), type
/// <c>Voucher(bytes32 channelId,uint96 cumulativeAmount)</c>; a voucher signature is 65 bytes r ‖ s ‖ v
/// (v 27/28 or 0/1) with a low s.
/// </summary>
internal static class EscrowVoucher
{
    public const string DomainName = "TIP20 Channel Reserve";

    public static readonly byte[] TypeHash = Keccak.Hash("Voucher(bytes32 channelId,uint96 cumulativeAmount)");

    private static readonly byte[] DomainTypeHash = Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    public static byte[] DomainSeparator(string escrow, ulong chainId) => Keccak.Hash(EscrowAbi.Concat(
        [DomainTypeHash, Keccak.Hash(DomainName), Keccak.Hash("1"), EscrowAbi.UintWord(new BigInteger(chainId)), EscrowAbi.AddressWord(escrow)]));

    public static byte[] Digest(string escrow, ulong chainId, string channelId, BigInteger cumulativeAmount)
    {
        var structHash = Keccak.Hash(EscrowAbi.Concat([TypeHash, EscrowAbi.Bytes32Word(channelId), EscrowAbi.UintWord(cumulativeAmount)]));
        return Keccak.Hash([0x19, 0x01, .. DomainSeparator(escrow, chainId), .. structHash]);
    }

    /// <summary>secp256k1's group order n over 2: a canonical signature has s ≤ n/2 (the draft's signature-malleability rule).</summary>
    private static readonly BigInteger HalfOrder = BigInteger.Parse("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", System.Globalization.NumberStyles.HexNumber);

    /// <summary>
    /// The lower-case address that signed the voucher, or null when the signature is malformed, not canonical (high s)
    /// or recovers nothing.
    /// </summary>
    public static string? Recover(byte[] digest, byte[] signature)
    {
        try
        {
            var parsed = TempoSignature.FromRsv(signature);
            return parsed.SValue > HalfOrder ? null : parsed.RecoverLowerAddress(digest);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or ArithmeticException)
        {
            return null;
        }
    }
}
