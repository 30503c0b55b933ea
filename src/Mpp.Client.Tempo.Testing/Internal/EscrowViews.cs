namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The escrow's read-only functions, as <c>eth_call</c> answers them: <c>getChannel</c>, <c>getChannelState</c>,
/// <c>getChannelStatesBatch</c> (a closed or unknown channel reads as the zero state, as on the node),
/// <c>computeChannelId</c>, <c>getVoucherDigest</c>, <c>domainSeparator</c>, <c>CLOSE_GRACE_PERIOD</c> and
/// <c>VOUCHER_TYPEHASH</c>. Anything else reverts with <c>UnknownFunctionSelector</c>.
/// </summary>
internal static class EscrowViews
{
    public static byte[] Read(EscrowPrecompile escrow, ReadOnlySpan<byte> input)
    {
        var selector = EscrowAbi.SelectorOf(input);
        if (selector == EscrowAbi.GetChannel)
        {
            var descriptor = EscrowAbi.ReadDescriptor(input, 0);
            return EscrowAbi.Concat([.. EscrowAbi.DescriptorWords(descriptor), .. State(escrow, escrow.ChannelIdOf(descriptor))]);
        }

        if (selector == EscrowAbi.GetChannelState)
        {
            return EscrowAbi.Concat(State(escrow, EscrowAbi.Bytes32(input, 0)));
        }

        if (selector == EscrowAbi.GetChannelStatesBatch)
        {
            return Batch(escrow, input);
        }

        if (selector == EscrowAbi.ComputeChannelId)
        {
            var descriptor = EscrowAbi.ReadDescriptor(input, 0);
            return EscrowAbi.Bytes32Word(escrow.ChannelIdOf(descriptor));
        }

        if (selector == EscrowAbi.GetVoucherDigest)
        {
            return EscrowVoucher.Digest(EscrowPrecompile.Address, escrow.ChainId, EscrowAbi.Bytes32(input, 0), EscrowAbi.Uint(input, 1, 96));
        }

        if (selector == EscrowAbi.DomainSeparator)
        {
            return EscrowVoucher.DomainSeparator(EscrowPrecompile.Address, escrow.ChainId);
        }

        if (selector == EscrowAbi.CloseGracePeriod)
        {
            return EscrowAbi.UintWord(EscrowPrecompile.CloseGracePeriodSeconds);
        }

        return selector == EscrowAbi.VoucherTypehash ? EscrowVoucher.TypeHash : throw new EscrowRevert("UnknownFunctionSelector");
    }

    private static IEnumerable<byte[]> State(EscrowPrecompile escrow, string channelId) =>
        escrow.ChannelOf(channelId) is { Exists: true } channel
            ? EscrowAbi.StateWords(channel.Settled, channel.Deposit, channel.CloseRequestedAt)
            : EscrowAbi.StateWords(0, 0, 0);

    private static byte[] Batch(EscrowPrecompile escrow, ReadOnlySpan<byte> input)
    {
        var offset = EscrowAbi.Uint(input, 0, 32);
        if (offset % 32 != 0)
        {
            throw new EscrowRevert("MalformedCalldata");
        }

        var first = (int)(offset / 32);
        var count = EscrowAbi.Uint(input, first, 16);
        var words = new List<byte[]> { EscrowAbi.UintWord(32), EscrowAbi.UintWord(count) };
        for (var i = 0; i < (int)count; i++)
        {
            words.AddRange(State(escrow, EscrowAbi.Bytes32(input, first + 1 + i)));
        }

        return EscrowAbi.Concat(words);
    }
}
