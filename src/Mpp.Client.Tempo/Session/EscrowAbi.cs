using System.Numerics;
using Mpp.Client.Tempo.Encoding;

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

    private const int W = AbiWords.Size;
    private const int DescriptorWords = 7;

    private static readonly byte[] OpenSelector = Selector(OpenSignature);
    private static readonly byte[] TopUpSelector = Selector(TopUpSignature);
    private static readonly byte[] SettleSelector = Selector(SettleSignature);
    private static readonly byte[] CloseSelector = Selector(CloseSignature);
    private static readonly byte[] GetChannelStateSelector = Selector(GetChannelStateSignature);

    /// <summary><c>CloseRequestCancelled(bytes32,address,address)</c>: no data.</summary>
    public const string CloseRequestCancelledEvent = "CloseRequestCancelled(bytes32,address,address)";

    /// <summary>The 4-byte selector of a function signature.</summary>
    public static byte[] Selector(string signature) => Keccak.Hash(signature)[..4];

    /// <summary>keccak256 of an event signature (topic 0), lower-case 0x hex.</summary>
    public static string Topic(string eventSignature) => Hex.Encode(Keccak.Hash(eventSignature));

    /// <summary>Call data of <c>open</c>.</summary>
    public static byte[] EncodeOpen(EscrowOpenCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var data = new byte[4 + (6 * W)];
        OpenSelector.CopyTo(data, 0);
        var args = data.AsSpan(4);
        AbiWords.WriteAddress(args, call.Payee);
        AbiWords.WriteAddress(args[W..], call.Operator);
        AbiWords.WriteAddress(args[(2 * W)..], call.Token);
        AbiWords.WriteUInt(args[(3 * W)..], call.Deposit, 96, "deposit");
        AbiWords.WriteBytes32(args[(4 * W)..], call.Salt, "salt");
        AbiWords.WriteAddress(args[(5 * W)..], call.AuthorizedSigner);
        return data;
    }

    /// <summary>Reads <c>open</c> call data.</summary>
    public static EscrowOpenCall DecodeOpen(ReadOnlySpan<byte> data)
    {
        var args = Exact(data, OpenSelector, 6, "open");
        return new EscrowOpenCall(
            AbiWords.ReadAddress(args, "payee"),
            AbiWords.ReadAddress(args[W..], "operator"),
            AbiWords.ReadAddress(args[(2 * W)..], "token"),
            AbiWords.ReadUInt(args[(3 * W)..], 96, "deposit"),
            AbiWords.ReadBytes32(args[(4 * W)..]),
            AbiWords.ReadAddress(args[(5 * W)..], "authorizedSigner"));
    }

    /// <summary>Call data of <c>topUp</c>.</summary>
    public static byte[] EncodeTopUp(EscrowTopUpCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var data = new byte[4 + ((DescriptorWords + 1) * W)];
        TopUpSelector.CopyTo(data, 0);
        call.Descriptor.WriteWords(data.AsSpan(4));
        AbiWords.WriteUInt(data.AsSpan(4 + (DescriptorWords * W)), call.AdditionalDeposit, 96, "additionalDeposit");
        return data;
    }

    /// <summary>Reads <c>topUp</c> call data.</summary>
    public static EscrowTopUpCall DecodeTopUp(ReadOnlySpan<byte> data)
    {
        var args = Exact(data, TopUpSelector, DescriptorWords + 1, "topUp");
        return new EscrowTopUpCall(ChannelDescriptor.ReadWords(args), AbiWords.ReadUInt(args[(DescriptorWords * W)..], 96, "additionalDeposit"));
    }

    /// <summary>Call data of <c>settle</c>.</summary>
    public static byte[] EncodeSettle(EscrowSettleCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WithSignature(SettleSelector, call.Descriptor, [call.CumulativeAmount], call.Signature);
    }

    /// <summary>Reads <c>settle</c> call data.</summary>
    public static EscrowSettleCall DecodeSettle(ReadOnlySpan<byte> data)
    {
        var (descriptor, amounts, signature) = ReadWithSignature(data, SettleSelector, 1, "settle");
        return new EscrowSettleCall(descriptor, amounts[0], signature);
    }

    /// <summary>Call data of <c>close</c>.</summary>
    public static byte[] EncodeClose(EscrowCloseCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WithSignature(CloseSelector, call.Descriptor, [call.CumulativeAmount, call.CaptureAmount], call.Signature);
    }

    /// <summary>Reads <c>close</c> call data.</summary>
    public static EscrowCloseCall DecodeClose(ReadOnlySpan<byte> data)
    {
        var (descriptor, amounts, signature) = ReadWithSignature(data, CloseSelector, 2, "close");
        return new EscrowCloseCall(descriptor, amounts[0], amounts[1], signature);
    }

    /// <summary>Call data of <c>requestClose</c>.</summary>
    public static byte[] EncodeRequestClose(ChannelDescriptor descriptor) => DescriptorCall(RequestCloseSignature, descriptor);

    /// <summary>Call data of <c>withdraw</c>.</summary>
    public static byte[] EncodeWithdraw(ChannelDescriptor descriptor) => DescriptorCall(WithdrawSignature, descriptor);

    /// <summary>Call data of <c>getChannel</c>.</summary>
    public static byte[] EncodeGetChannel(ChannelDescriptor descriptor) => DescriptorCall(GetChannelSignature, descriptor);

    /// <summary>Reads the descriptor argument of <c>requestClose</c>, <c>withdraw</c> or <c>getChannel</c> call data
    /// whose selector is <paramref name="signature"/>'s.</summary>
    public static ChannelDescriptor DecodeDescriptorCall(string signature, ReadOnlySpan<byte> data) =>
        ChannelDescriptor.ReadWords(Exact(data, Selector(signature), DescriptorWords, signature));

    /// <summary>The return data of <c>getChannel</c>: the descriptor tuple then the state tuple (10 words).</summary>
    public static byte[] EncodeGetChannelResult(ChannelDescriptor descriptor, EscrowChannelState state)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var data = new byte[(DescriptorWords + 3) * W];
        descriptor.WriteWords(data);
        EncodeChannelState(state).CopyTo(data, DescriptorWords * W);
        return data;
    }

    /// <summary>Reads <c>getChannel</c> return data.</summary>
    public static (ChannelDescriptor Descriptor, EscrowChannelState State) DecodeGetChannelResult(ReadOnlySpan<byte> data)
    {
        if (data.Length != (DescriptorWords + 3) * W)
        {
            throw new FormatException("The getChannel result is not 10 words.");
        }

        return (ChannelDescriptor.ReadWords(data), DecodeChannelState(data[(DescriptorWords * W)..]));
    }

    /// <summary>Call data of <c>getChannelState(bytes32)</c>.</summary>
    public static byte[] EncodeGetChannelState(string channelId)
    {
        var data = new byte[4 + W];
        GetChannelStateSelector.CopyTo(data, 0);
        AbiWords.WriteBytes32(data.AsSpan(4), channelId, "channel id");
        return data;
    }

    /// <summary>The return data of <c>getChannelState</c> (3 words).</summary>
    public static byte[] EncodeChannelState(EscrowChannelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var data = new byte[3 * W];
        AbiWords.WriteUInt(data, state.Settled, 96, "settled");
        AbiWords.WriteUInt(data.AsSpan(W), state.Deposit, 96, "deposit");
        AbiWords.WriteUInt(data.AsSpan(2 * W), state.CloseRequestedAt, 32, "closeRequestedAt");
        return data;
    }

    /// <summary>Reads <c>getChannelState</c> return data.</summary>
    public static EscrowChannelState DecodeChannelState(ReadOnlySpan<byte> data)
    {
        if (data.Length != 3 * W)
        {
            throw new FormatException("The channel state is not 3 words.");
        }

        return new EscrowChannelState(
            AbiWords.ReadUInt(data, 96, "settled"),
            AbiWords.ReadUInt(data[W..], 96, "deposit"),
            (uint)AbiWords.ReadUInt(data[(2 * W)..], 32, "closeRequestedAt"));
    }

    /// <summary>The data (non-indexed part) of a <c>ChannelOpened</c> log.</summary>
    public static byte[] EncodeChannelOpenedData(EscrowChannelOpenedData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var bytes = new byte[6 * W];
        var span = bytes.AsSpan();
        AbiWords.WriteAddress(span, data.Operator);
        AbiWords.WriteAddress(span[W..], data.Token);
        AbiWords.WriteAddress(span[(2 * W)..], data.AuthorizedSigner);
        AbiWords.WriteBytes32(span[(3 * W)..], data.Salt, "salt");
        AbiWords.WriteBytes32(span[(4 * W)..], data.ExpiringNonceHash, "expiringNonceHash");
        AbiWords.WriteUInt(span[(5 * W)..], data.Deposit, 96, "deposit");
        return bytes;
    }

    /// <summary>Reads the data of a <c>ChannelOpened</c> log.</summary>
    public static EscrowChannelOpenedData DecodeChannelOpenedData(ReadOnlySpan<byte> data)
    {
        if (data.Length != 6 * W)
        {
            throw new FormatException("The ChannelOpened data is not 6 words.");
        }

        return new EscrowChannelOpenedData(
            AbiWords.ReadAddress(data, "operator"),
            AbiWords.ReadAddress(data[W..], "token"),
            AbiWords.ReadAddress(data[(2 * W)..], "authorizedSigner"),
            AbiWords.ReadBytes32(data[(3 * W)..]),
            AbiWords.ReadBytes32(data[(4 * W)..]),
            AbiWords.ReadUInt(data[(5 * W)..], 96, "deposit"));
    }

    /// <summary>The data of an amounts-only log (<c>TopUp</c>, <c>Settled</c>, <c>ChannelClosed</c>, <c>CloseRequested</c>):
    /// one uint word per amount.</summary>
    public static byte[] EncodeAmounts(params BigInteger[] amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        var data = new byte[amounts.Length * W];
        for (var i = 0; i < amounts.Length; i++)
        {
            AbiWords.WriteUInt(data.AsSpan(i * W), amounts[i], 256, "amount");
        }

        return data;
    }

    /// <summary>Reads exactly <paramref name="count"/> uint96 words (uint256 for <c>CloseRequested</c>: pass
    /// <paramref name="bits"/> 256).</summary>
    public static BigInteger[] DecodeAmounts(ReadOnlySpan<byte> data, int count, int bits = 96)
    {
        if (data.Length != count * W)
        {
            throw new FormatException($"The log data is not {count} words.");
        }

        var amounts = new BigInteger[count];
        for (var i = 0; i < count; i++)
        {
            amounts[i] = AbiWords.ReadUInt(data[(i * W)..], bits, "amount");
        }

        return amounts;
    }

    private static byte[] DescriptorCall(string signature, ChannelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var data = new byte[4 + (DescriptorWords * W)];
        Selector(signature).CopyTo(data, 0);
        descriptor.WriteWords(data.AsSpan(4));
        return data;
    }

    /// <summary>selector ‖ descriptor (7 words) ‖ amounts (uint96 each) ‖ offset ‖ length ‖ padded signature.</summary>
    private static byte[] WithSignature(byte[] selector, ChannelDescriptor descriptor, BigInteger[] amounts, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(signature);
        var headWords = DescriptorWords + amounts.Length + 1;
        var data = new byte[4 + (headWords * W) + AbiWords.TailLength(signature.Length)];
        selector.CopyTo(data, 0);
        var args = data.AsSpan(4);
        descriptor.WriteWords(args);
        for (var i = 0; i < amounts.Length; i++)
        {
            AbiWords.WriteUInt(args[((DescriptorWords + i) * W)..], amounts[i], 96, i == 0 ? "cumulativeAmount" : "captureAmount");
        }

        AbiWords.WriteUInt(args[((headWords - 1) * W)..], headWords * W, 64, "offset");
        AbiWords.WriteBytesTail(args[(headWords * W)..], signature);
        return data;
    }

    private static (ChannelDescriptor Descriptor, BigInteger[] Amounts, byte[] Signature) ReadWithSignature(ReadOnlySpan<byte> data, byte[] selector, int amountCount, string function)
    {
        var headWords = DescriptorWords + amountCount + 1;
        var args = AbiWords.Arguments(data, selector, headWords + 1, function);
        var descriptor = ChannelDescriptor.ReadWords(args);
        var amounts = new BigInteger[amountCount];
        for (var i = 0; i < amountCount; i++)
        {
            amounts[i] = AbiWords.ReadUInt(args[((DescriptorWords + i) * W)..], 96, i == 0 ? "cumulativeAmount" : "captureAmount");
        }

        return (descriptor, amounts, AbiWords.ReadBytesTail(args, headWords - 1, headWords, "signature"));
    }

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> data, ReadOnlySpan<byte> selector, int words, string function)
    {
        var args = AbiWords.Arguments(data, selector, words, function);
        return args.Length == words * W ? args : throw new FormatException($"The {function} call data has the wrong length.");
    }
}
