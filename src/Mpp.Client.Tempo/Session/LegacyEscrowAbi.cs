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

    private const int W = AbiWords.Size;

    private static readonly byte[] OpenSelector = EscrowAbi.Selector(OpenSignature);
    private static readonly byte[] TopUpSelector = EscrowAbi.Selector(TopUpSignature);
    private static readonly byte[] CloseSelector = EscrowAbi.Selector(CloseSignature);
    private static readonly byte[] ApproveSelector = EscrowAbi.Selector(ApproveSignature);

    /// <summary>Call data of v1 <c>open</c> (v1 has no operator).</summary>
    public static byte[] EncodeOpen(string payee, string token, BigInteger deposit, string salt, string authorizedSigner)
    {
        var data = new byte[4 + (5 * W)];
        OpenSelector.CopyTo(data, 0);
        var args = data.AsSpan(4);
        AbiWords.WriteAddress(args, payee);
        AbiWords.WriteAddress(args[W..], token);
        AbiWords.WriteUInt(args[(2 * W)..], deposit, 128, "deposit");
        AbiWords.WriteBytes32(args[(3 * W)..], salt, "salt");
        AbiWords.WriteAddress(args[(4 * W)..], authorizedSigner);
        return data;
    }

    /// <summary>Reads v1 <c>open</c> call data: (payee, token, deposit, salt, authorizedSigner).</summary>
    public static (string Payee, string Token, BigInteger Deposit, string Salt, string AuthorizedSigner) DecodeOpen(ReadOnlySpan<byte> data)
    {
        var args = Exact(data, OpenSelector, 5, "open");
        return (
            AbiWords.ReadAddress(args, "payee"),
            AbiWords.ReadAddress(args[W..], "token"),
            AbiWords.ReadUInt(args[(2 * W)..], 128, "deposit"),
            AbiWords.ReadBytes32(args[(3 * W)..]),
            AbiWords.ReadAddress(args[(4 * W)..], "authorizedSigner"));
    }

    /// <summary>Call data of v1 <c>topUp</c>.</summary>
    public static byte[] EncodeTopUp(string channelId, BigInteger additionalDeposit)
    {
        var data = new byte[4 + (2 * W)];
        TopUpSelector.CopyTo(data, 0);
        AbiWords.WriteBytes32(data.AsSpan(4), channelId, "channel id");
        AbiWords.WriteUInt(data.AsSpan(4 + W), additionalDeposit, 256, "additionalDeposit");
        return data;
    }

    /// <summary>Reads v1 <c>topUp</c> call data.</summary>
    public static (string ChannelId, BigInteger AdditionalDeposit) DecodeTopUp(ReadOnlySpan<byte> data)
    {
        var args = Exact(data, TopUpSelector, 2, "topUp");
        return (AbiWords.ReadBytes32(args), AbiWords.ReadUInt(args[W..], 256, "additionalDeposit"));
    }

    /// <summary>Call data of v1 <c>close</c>.</summary>
    public static byte[] EncodeClose(string channelId, BigInteger cumulativeAmount, ReadOnlySpan<byte> signature)
    {
        var data = new byte[4 + (3 * W) + AbiWords.TailLength(signature.Length)];
        CloseSelector.CopyTo(data, 0);
        var args = data.AsSpan(4);
        AbiWords.WriteBytes32(args, channelId, "channel id");
        AbiWords.WriteUInt(args[W..], cumulativeAmount, 128, "cumulativeAmount");
        AbiWords.WriteUInt(args[(2 * W)..], 3 * W, 64, "offset");
        AbiWords.WriteBytesTail(args[(3 * W)..], signature);
        return data;
    }

    /// <summary>Reads v1 <c>close</c> call data.</summary>
    public static (string ChannelId, BigInteger CumulativeAmount, byte[] Signature) DecodeClose(ReadOnlySpan<byte> data)
    {
        var args = AbiWords.Arguments(data, CloseSelector, 4, "close");
        return (AbiWords.ReadBytes32(args), AbiWords.ReadUInt(args[W..], 128, "cumulativeAmount"), AbiWords.ReadBytesTail(args, 2, 3, "signature"));
    }

    /// <summary>Call data of TIP-20 <c>approve</c>.</summary>
    public static byte[] EncodeApprove(string spender, BigInteger amount)
    {
        var data = new byte[4 + (2 * W)];
        ApproveSelector.CopyTo(data, 0);
        AbiWords.WriteAddress(data.AsSpan(4), spender);
        AbiWords.WriteUInt(data.AsSpan(4 + W), amount, 256, "amount");
        return data;
    }

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> data, ReadOnlySpan<byte> selector, int words, string function)
    {
        var args = AbiWords.Arguments(data, selector, words, function);
        return args.Length == words * W ? args : throw new FormatException($"The {function} call data has the wrong length.");
    }
}
