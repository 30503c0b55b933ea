using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// ABI call data of the TIP-1034 TIP-20 channel escrow precompile (mppx 0.11.0 <c>tempo/session/precompile/escrow.abi.js</c>;
/// Solidity ABI: a 4-byte selector, static words, a descriptor as a static 7-word tuple, <c>bytes</c> as offset +
/// length + padded data). Encoders throw <see cref="ArgumentOutOfRangeException"/> for an amount outside uint96 and
/// <see cref="FormatException"/> for a malformed address; decoders throw <see cref="FormatException"/> for anything that is
/// not exactly the canonical encoding (wrong selector, length, dirty padding, amount above uint96).
/// </summary>
internal static class EscrowAbi
{
    /// <summary>The precompile address, <c>0x4d50500000000000000000000000000000000000</c>.</summary>
    public const string PrecompileAddress = "0x4d50500000000000000000000000000000000000";

    /// <summary>The zero address.</summary>
    public const string ZeroAddress = "0x0000000000000000000000000000000000000000";

    /// <summary>2^96 − 1, the largest v2 amount.</summary>
    public static BigInteger MaxUint96 { get; } = (BigInteger.One << 96) - 1;

    /// <summary>The function signatures the selectors hash.</summary>
    public const string OpenSignature = "open(address,address,address,uint96,bytes32,address)";

    /// <summary><c>topUp((address,address,address,address,bytes32,address,bytes32),uint96)</c>.</summary>
    public const string TopUpSignature = "topUp((address,address,address,address,bytes32,address,bytes32),uint96)";

    /// <summary><c>settle(descriptor,uint96,bytes)</c>.</summary>
    public const string SettleSignature = "settle((address,address,address,address,bytes32,address,bytes32),uint96,bytes)";

    /// <summary><c>close(descriptor,uint96,uint96,bytes)</c>.</summary>
    public const string CloseSignature = "close((address,address,address,address,bytes32,address,bytes32),uint96,uint96,bytes)";

    /// <summary><c>requestClose(descriptor)</c>.</summary>
    public const string RequestCloseSignature = "requestClose((address,address,address,address,bytes32,address,bytes32))";

    /// <summary><c>withdraw(descriptor)</c>.</summary>
    public const string WithdrawSignature = "withdraw((address,address,address,address,bytes32,address,bytes32))";

    /// <summary><c>getChannel(descriptor)</c> → (descriptor, state).</summary>
    public const string GetChannelSignature = "getChannel((address,address,address,address,bytes32,address,bytes32))";

    /// <summary><c>getChannelState(bytes32)</c> → state.</summary>
    public const string GetChannelStateSignature = "getChannelState(bytes32)";

    /// <summary>Event signatures (topic 0 = keccak256 of these).</summary>
    public const string ChannelOpenedEvent = "ChannelOpened(bytes32,address,address,address,address,address,bytes32,bytes32,uint96)";

    /// <summary><c>TopUp(bytes32,address,address,uint96,uint96)</c>: data (additionalDeposit, newDeposit).</summary>
    public const string TopUpEvent = "TopUp(bytes32,address,address,uint96,uint96)";

    /// <summary><c>Settled(bytes32,address,address,uint96,uint96,uint96)</c>: data (cumulativeAmount, deltaPaid, newSettled).</summary>
    public const string SettledEvent = "Settled(bytes32,address,address,uint96,uint96,uint96)";

    /// <summary><c>CloseRequested(bytes32,address,address,uint256)</c>: data (closeGraceEnd).</summary>
    public const string CloseRequestedEvent = "CloseRequested(bytes32,address,address,uint256)";

    /// <summary><c>ChannelClosed(bytes32,address,address,uint96,uint96)</c>: data (settledToPayee, refundedToPayer).</summary>
    public const string ChannelClosedEvent = "ChannelClosed(bytes32,address,address,uint96,uint96)";

    /// <summary>The 4-byte selector of a function signature.</summary>
    public static byte[] Selector(string signature) => throw new NotImplementedException();

    /// <summary>keccak256 of an event signature (topic 0), lower-case 0x hex.</summary>
    public static string Topic(string eventSignature) => throw new NotImplementedException();

    /// <summary>Call data of <c>open</c>.</summary>
    public static byte[] EncodeOpen(EscrowOpenCall call) => throw new NotImplementedException();

    /// <summary>Reads <c>open</c> call data.</summary>
    public static EscrowOpenCall DecodeOpen(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of <c>topUp</c>.</summary>
    public static byte[] EncodeTopUp(EscrowTopUpCall call) => throw new NotImplementedException();

    /// <summary>Reads <c>topUp</c> call data.</summary>
    public static EscrowTopUpCall DecodeTopUp(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of <c>settle</c>.</summary>
    public static byte[] EncodeSettle(EscrowSettleCall call) => throw new NotImplementedException();

    /// <summary>Reads <c>settle</c> call data.</summary>
    public static EscrowSettleCall DecodeSettle(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of <c>close</c>.</summary>
    public static byte[] EncodeClose(EscrowCloseCall call) => throw new NotImplementedException();

    /// <summary>Reads <c>close</c> call data.</summary>
    public static EscrowCloseCall DecodeClose(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of <c>requestClose</c>.</summary>
    public static byte[] EncodeRequestClose(ChannelDescriptor descriptor) => throw new NotImplementedException();

    /// <summary>Call data of <c>withdraw</c>.</summary>
    public static byte[] EncodeWithdraw(ChannelDescriptor descriptor) => throw new NotImplementedException();

    /// <summary>Call data of <c>getChannel</c>.</summary>
    public static byte[] EncodeGetChannel(ChannelDescriptor descriptor) => throw new NotImplementedException();

    /// <summary>Reads the descriptor argument of <c>requestClose</c>, <c>withdraw</c> or <c>getChannel</c> call data
    /// whose selector is <paramref name="signature"/>'s.</summary>
    public static ChannelDescriptor DecodeDescriptorCall(string signature, ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>The return data of <c>getChannel</c>: the descriptor tuple then the state tuple (10 words).</summary>
    public static byte[] EncodeGetChannelResult(ChannelDescriptor descriptor, EscrowChannelState state) => throw new NotImplementedException();

    /// <summary>Reads <c>getChannel</c> return data.</summary>
    public static (ChannelDescriptor Descriptor, EscrowChannelState State) DecodeGetChannelResult(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Call data of <c>getChannelState(bytes32)</c>.</summary>
    public static byte[] EncodeGetChannelState(string channelId) => throw new NotImplementedException();

    /// <summary>The return data of <c>getChannelState</c> (3 words).</summary>
    public static byte[] EncodeChannelState(EscrowChannelState state) => throw new NotImplementedException();

    /// <summary>Reads <c>getChannelState</c> return data.</summary>
    public static EscrowChannelState DecodeChannelState(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>The data (non-indexed part) of a <c>ChannelOpened</c> log.</summary>
    public static byte[] EncodeChannelOpenedData(EscrowChannelOpenedData data) => throw new NotImplementedException();

    /// <summary>Reads the data of a <c>ChannelOpened</c> log.</summary>
    public static EscrowChannelOpenedData DecodeChannelOpenedData(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>The data of an amounts-only log (<c>TopUp</c>, <c>Settled</c>, <c>ChannelClosed</c>, <c>CloseRequested</c>):
    /// one uint word per amount.</summary>
    public static byte[] EncodeAmounts(params BigInteger[] amounts) => throw new NotImplementedException();

    /// <summary>Reads exactly <paramref name="count"/> uint96 words (uint256 for <c>CloseRequested</c>: pass
    /// <paramref name="bits"/> 256).</summary>
    public static BigInteger[] DecodeAmounts(ReadOnlySpan<byte> data, int count, int bits = 96) => throw new NotImplementedException();
}
