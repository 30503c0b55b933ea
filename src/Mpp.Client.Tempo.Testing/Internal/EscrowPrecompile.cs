using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The fake chain's TIP-1034 TIP-20 channel escrow precompile at <see cref="Address"/>, executing one transaction's (or
/// one simulation's) calls over an overlay of the chain's balances and channels: nothing reaches the chain unless the
/// caller commits <see cref="Balances"/>, <see cref="Channels"/> and <see cref="Logs"/> after every call succeeded.
/// Rules follow the node's precompile (tempoxyz/tempo <c>crates/precompiles/src/tip20_channel_escrow</c>): open pulls the
/// deposit from the payer; settle and close are the payee's (or a non-zero operator's), with a voucher signed by the
/// authorized signer (the payer when zero) whenever they pay more than already settled; cumulative amounts never above
/// the deposit; topUp, requestClose and withdraw are the payer's; withdraw after <see cref="CloseGracePeriodSeconds"/>.
/// </summary>
internal sealed class EscrowPrecompile
{
    public const string Address = "0x4d50500000000000000000000000000000000000";

    public const string ZeroAddress = "0x0000000000000000000000000000000000000000";

    public const ulong CloseGracePeriodSeconds = 15 * 60;

    private readonly ulong _chainId;
    private readonly ulong _now;
    private readonly Func<string, string, BigInteger> _committedBalance;
    private readonly Func<string, EscrowChannelRecord?> _committedChannel;
    private readonly Func<string, bool> _isKnownToken;
    private readonly HashSet<string> _openedThisTransaction = new(StringComparer.Ordinal);

    public EscrowPrecompile(
        ulong chainId,
        ulong now,
        Func<string, string, BigInteger> committedBalance,
        Func<string, EscrowChannelRecord?> committedChannel,
        Func<string, bool> isKnownToken)
    {
        _chainId = chainId;
        _now = now;
        _committedBalance = committedBalance;
        _committedChannel = committedChannel;
        _isKnownToken = isKnownToken;
    }

    /// <summary>Balances written so far (absolute values), keyed by (token, address).</summary>
    public Dictionary<(string Token, string Address), BigInteger> Balances { get; } = [];

    /// <summary>Channels written so far, keyed by channel id.</summary>
    public Dictionary<string, EscrowChannelRecord> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>Logs emitted so far, in order.</summary>
    public List<EscrowLog> Logs { get; } = [];

    /// <summary>The hash of the transaction being executed (recorded on the channels it opens), if any.</summary>
    public string? TransactionHash { get; init; }

    /// <summary>
    /// <c>keccak256(encodeForSigning(tx) ‖ sender)</c> of the enclosing transaction, which the node seeds before any call
    /// runs; null leaves it unset, and <c>open</c> then reverts.
    /// </summary>
    public string? OpenContextHash { get; init; }

    public BigInteger BalanceOf(string token, string address) =>
        Balances.TryGetValue((token, address), out var balance) ? balance : _committedBalance(token, address);

    /// <summary>A TIP-20 transfer inside the transaction (a plain call or the escrow's own pull/push), with its log.</summary>
    public void Transfer(string token, string from, string to, BigInteger amount)
    {
        if (BalanceOf(token, from) < amount)
        {
            throw new EscrowRevert("InsufficientBalance");
        }

        Balances[(token, from)] = BalanceOf(token, from) - amount;
        Balances[(token, to)] = BalanceOf(token, to) + amount;
        Logs.Add(new EscrowLog(token, [Tip20Transfer.TransferTopic, Tip20Transfer.AddressWord(from), Tip20Transfer.AddressWord(to)], EscrowAbi.UintWord(amount)));
    }

    /// <summary>Runs a state-changing call from <paramref name="sender"/>; returns its ABI-encoded result.</summary>
    /// <exception cref="EscrowRevert">The call reverts.</exception>
    public byte[] Execute(string sender, ReadOnlySpan<byte> input)
    {
        var selector = EscrowAbi.SelectorOf(input);
        if (selector == EscrowAbi.Open)
        {
            return OpenChannel(sender, input);
        }

        if (selector == EscrowAbi.Settle)
        {
            SettleChannel(sender, input);
        }
        else if (selector == EscrowAbi.TopUp)
        {
            TopUpChannel(sender, input);
        }
        else if (selector == EscrowAbi.Close)
        {
            CloseChannel(sender, input);
        }
        else if (selector == EscrowAbi.RequestClose)
        {
            RequestClose(sender, input);
        }
        else if (selector == EscrowAbi.Withdraw)
        {
            WithdrawChannel(sender, input);
        }
        else
        {
            return EscrowViews.Read(this, input);
        }

        return [];
    }

    /// <summary>The channel as this execution sees it (overlay first), or null.</summary>
    public EscrowChannelRecord? ChannelOf(string channelId) =>
        Channels.TryGetValue(channelId, out var channel) ? channel : _committedChannel(channelId);

    public string ChannelIdOf(EscrowDescriptor descriptor) => descriptor.ComputeId(Address, _chainId);

    public ulong ChainId => _chainId;

    private byte[] OpenChannel(string sender, ReadOnlySpan<byte> input)
    {
        var payee = EscrowAbi.Address(input, 0);
        var operatorAddress = EscrowAbi.Address(input, 1);
        var token = EscrowAbi.Address(input, 2);
        var deposit = EscrowAbi.Uint(input, 3, 96);
        var salt = EscrowAbi.Bytes32(input, 4);
        var authorizedSigner = EscrowAbi.Address(input, 5);
        if (payee == ZeroAddress || payee.StartsWith("0x20c0000000000000000000", StringComparison.Ordinal))
        {
            throw new EscrowRevert("InvalidPayee");
        }

        if (!_isKnownToken(token))
        {
            throw new EscrowRevert("InvalidToken");
        }

        if (deposit.IsZero)
        {
            throw new EscrowRevert("ZeroDeposit");
        }

        var context = OpenContextHash ?? throw new EscrowRevert("ExpiringNonceHashNotSet");
        var descriptor = new EscrowDescriptor(sender, payee, operatorAddress, token, salt, authorizedSigner, context);
        var channelId = ChannelIdOf(descriptor);
        if (ChannelOf(channelId) is { Exists: true } || !_openedThisTransaction.Add(channelId))
        {
            throw new EscrowRevert("ChannelAlreadyExists");
        }

        Channels[channelId] = new EscrowChannelRecord(channelId, descriptor, deposit, 0, 0, false, 0, TransactionHash);
        Transfer(token, sender, Address, deposit);
        Emit(EscrowAbi.ChannelOpenedTopic, channelId, descriptor,
            [EscrowAbi.AddressWord(operatorAddress), EscrowAbi.AddressWord(token), EscrowAbi.AddressWord(authorizedSigner),
                EscrowAbi.Bytes32Word(salt), EscrowAbi.Bytes32Word(context), EscrowAbi.UintWord(deposit)]);
        return EscrowAbi.Bytes32Word(channelId);
    }

    private void SettleChannel(string sender, ReadOnlySpan<byte> input)
    {
        var (channel, descriptor) = Existing(input);
        var cumulative = EscrowAbi.Uint(input, 7, 96);
        var signature = EscrowAbi.DynamicBytes(input, 8);
        EnsurePayeeOrOperator(sender, descriptor);
        if (cumulative > channel.Deposit)
        {
            throw new EscrowRevert("AmountExceedsDeposit");
        }

        if (cumulative <= channel.Settled)
        {
            throw new EscrowRevert("AmountNotIncreasing");
        }

        ValidateVoucher(channel, cumulative, signature);
        var delta = cumulative - channel.Settled;
        Channels[channel.ChannelId] = channel with { Settled = cumulative };
        Transfer(descriptor.Token, Address, descriptor.Payee, delta);
        Emit(EscrowAbi.SettledTopic, channel.ChannelId, descriptor,
            [EscrowAbi.UintWord(cumulative), EscrowAbi.UintWord(delta), EscrowAbi.UintWord(cumulative)]);
    }

    private void TopUpChannel(string sender, ReadOnlySpan<byte> input)
    {
        var (channel, descriptor) = Existing(input);
        var additional = EscrowAbi.Uint(input, 7, 96);
        if (sender != descriptor.Payer)
        {
            throw new EscrowRevert("NotPayer");
        }

        var next = channel.Deposit + additional;
        if (next > EscrowAbi.MaxUint96)
        {
            throw new EscrowRevert("DepositOverflow");
        }

        var hadCloseRequest = channel.CloseRequestedAt != 0;
        Channels[channel.ChannelId] = channel with { Deposit = next, CloseRequestedAt = 0 };
        if (!additional.IsZero)
        {
            Transfer(descriptor.Token, sender, Address, additional);
        }

        if (hadCloseRequest)
        {
            Emit(EscrowAbi.CloseRequestCancelledTopic, channel.ChannelId, descriptor, []);
        }

        Emit(EscrowAbi.TopUpTopic, channel.ChannelId, descriptor, [EscrowAbi.UintWord(additional), EscrowAbi.UintWord(next)]);
    }

    private void RequestClose(string sender, ReadOnlySpan<byte> input)
    {
        var (channel, descriptor) = Existing(input);
        if (sender != descriptor.Payer)
        {
            throw new EscrowRevert("NotPayer");
        }

        if (channel.CloseRequestedAt != 0)
        {
            return;
        }

        Channels[channel.ChannelId] = channel with { CloseRequestedAt = (uint)Math.Min(_now, uint.MaxValue) };
        Emit(EscrowAbi.CloseRequestedTopic, channel.ChannelId, descriptor, [EscrowAbi.UintWord(_now + CloseGracePeriodSeconds)]);
    }

    private void CloseChannel(string sender, ReadOnlySpan<byte> input)
    {
        var (channel, descriptor) = Existing(input);
        var cumulative = EscrowAbi.Uint(input, 7, 96);
        var capture = EscrowAbi.Uint(input, 8, 96);
        var signature = EscrowAbi.DynamicBytes(input, 9);
        EnsurePayeeOrOperator(sender, descriptor);
        if (capture < channel.Settled || capture > cumulative)
        {
            throw new EscrowRevert("CaptureAmountInvalid");
        }

        if (capture > channel.Deposit)
        {
            throw new EscrowRevert("AmountExceedsDeposit");
        }

        if (capture > channel.Settled)
        {
            ValidateVoucher(channel, cumulative, signature);
        }

        var delta = capture - channel.Settled;
        var refund = channel.Deposit - capture;
        Channels[channel.ChannelId] = channel with { Settled = capture, Closed = true, RefundedToPayer = refund };
        if (!delta.IsZero)
        {
            Transfer(descriptor.Token, Address, descriptor.Payee, delta);
        }

        if (!refund.IsZero)
        {
            Transfer(descriptor.Token, Address, descriptor.Payer, refund);
        }

        Emit(EscrowAbi.ChannelClosedTopic, channel.ChannelId, descriptor, [EscrowAbi.UintWord(capture), EscrowAbi.UintWord(refund)]);
    }

    private void WithdrawChannel(string sender, ReadOnlySpan<byte> input)
    {
        var (channel, descriptor) = Existing(input);
        if (sender != descriptor.Payer)
        {
            throw new EscrowRevert("NotPayer");
        }

        if (channel.CloseRequestedAt == 0 || _now < channel.CloseRequestedAt + CloseGracePeriodSeconds)
        {
            throw new EscrowRevert("CloseNotReady");
        }

        var refund = channel.Deposit - channel.Settled;
        Channels[channel.ChannelId] = channel with { Closed = true, RefundedToPayer = refund };
        if (!refund.IsZero)
        {
            Transfer(descriptor.Token, Address, descriptor.Payer, refund);
        }

        Emit(EscrowAbi.ChannelClosedTopic, channel.ChannelId, descriptor, [EscrowAbi.UintWord(channel.Settled), EscrowAbi.UintWord(refund)]);
    }

    private (EscrowChannelRecord Channel, EscrowDescriptor Descriptor) Existing(ReadOnlySpan<byte> input)
    {
        var descriptor = EscrowAbi.ReadDescriptor(input, 0);
        var channel = ChannelOf(ChannelIdOf(descriptor));
        return channel is { Exists: true } ? (channel, descriptor) : throw new EscrowRevert("ChannelNotFound");
    }

    private static void EnsurePayeeOrOperator(string sender, EscrowDescriptor descriptor)
    {
        if (sender != descriptor.Payee && (descriptor.Operator == ZeroAddress || sender != descriptor.Operator))
        {
            throw new EscrowRevert("NotPayeeOrOperator");
        }
    }

    private void ValidateVoucher(EscrowChannelRecord channel, BigInteger cumulative, byte[] signature)
    {
        var digest = EscrowVoucher.Digest(Address, _chainId, channel.ChannelId, cumulative);
        if (EscrowVoucher.Recover(digest, signature) != channel.Descriptor.ExpectedSigner)
        {
            throw new EscrowRevert("InvalidSignature");
        }
    }

    private void Emit(string topic, string channelId, EscrowDescriptor descriptor, byte[][] data) =>
        Logs.Add(new EscrowLog(
            Address,
            [topic, channelId, Tip20Transfer.AddressWord(descriptor.Payer), Tip20Transfer.AddressWord(descriptor.Payee)],
            EscrowAbi.Concat(data)));

    /// <summary>Whether <paramref name="address"/> (any case) is the escrow.</summary>
    public static bool IsEscrow(string? address) => string.Equals(address, Address, StringComparison.OrdinalIgnoreCase);

    /// <summary>keccak256(encodeForSigning ‖ sender), the node's per-transaction open context.</summary>
    public static string OpenContextOf(byte[] encodedForSigning, string sender) =>
        Hex.Encode(Keccak.Hash([.. encodedForSigning, .. EvmAddress.ToBytes(sender)]));
}
