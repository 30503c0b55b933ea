using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Call data of the v1 <c>TempoStreamChannel</c> contract (mppx 0.11.0 <c>tempo/legacy/session/escrow.abi.js</c>):
/// <c>open(address payee, address token, uint128 deposit, bytes32 salt, address authorizedSigner)</c>,
/// <c>topUp(bytes32 channelId, uint256 additionalDeposit)</c>, <c>close(bytes32 channelId, uint128 cumulativeAmount,
/// bytes signature)</c>, and the TIP-20 <c>approve(address spender, uint256 amount)</c> a v1 open and top-up put first.
/// </summary>
internal static class LegacyEscrowAbi
{
    /// <summary><c>open(address,address,uint128,bytes32,address)</c>.</summary>
    public const string OpenSignature = "open(address,address,uint128,bytes32,address)";

    /// <summary><c>topUp(bytes32,uint256)</c>.</summary>
    public const string TopUpSignature = "topUp(bytes32,uint256)";

    /// <summary><c>close(bytes32,uint128,bytes)</c>.</summary>
    public const string CloseSignature = "close(bytes32,uint128,bytes)";

    /// <summary><c>approve(address,uint256)</c> (TIP-20).</summary>
    public const string ApproveSignature = "approve(address,uint256)";

    /// <summary>Call data of v1 <c>open</c> (v1 has no operator).</summary>
    public static byte[] EncodeOpen(string payee, string token, BigInteger deposit, string salt, string authorizedSigner) => throw new NotImplementedException();

    /// <summary>Reads v1 <c>open</c> call data: (payee, token, deposit, salt, authorizedSigner).</summary>
    public static (string Payee, string Token, BigInteger Deposit, string Salt, string AuthorizedSigner) DecodeOpen(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of v1 <c>topUp</c>.</summary>
    public static byte[] EncodeTopUp(string channelId, BigInteger additionalDeposit) => throw new NotImplementedException();

    /// <summary>Reads v1 <c>topUp</c> call data.</summary>
    public static (string ChannelId, BigInteger AdditionalDeposit) DecodeTopUp(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of v1 <c>close</c>.</summary>
    public static byte[] EncodeClose(string channelId, BigInteger cumulativeAmount, ReadOnlySpan<byte> signature) => throw new NotImplementedException();

    /// <summary>Reads v1 <c>close</c> call data.</summary>
    public static (string ChannelId, BigInteger CumulativeAmount, byte[] Signature) DecodeClose(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of TIP-20 <c>approve</c>.</summary>
    public static byte[] EncodeApprove(string spender, BigInteger amount) => throw new NotImplementedException();
}
