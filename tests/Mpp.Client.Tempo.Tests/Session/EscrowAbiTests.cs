using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Session;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class EscrowAbiTests
{
    private static readonly BigInteger MaxUint96 = (BigInteger.One << 96) - 1;

    [Fact]
    public void Every_call_round_trips()
    {
        var d = Descriptor(4, @operator: Operator);
        var open = new EscrowOpenCall(Payee, Operator, TempoChains.PathUsd, MaxUint96, Bytes32(1), Payer);
        Assert.Equal(open, EscrowAbi.DecodeOpen(EscrowAbi.EncodeOpen(open)));
        Assert.Equal(new EscrowTopUpCall(d, 1), EscrowAbi.DecodeTopUp(EscrowAbi.EncodeTopUp(new EscrowTopUpCall(d, 1))));
        foreach (var length in new[] { 0, 1, 31, 32, 33, 64, 65, 200 })
        {
            var signature = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
            var settle = EscrowAbi.DecodeSettle(EscrowAbi.EncodeSettle(new EscrowSettleCall(d, 7, signature)));
            Assert.Equal((d, new BigInteger(7)), (settle.Descriptor, settle.CumulativeAmount));
            Assert.Equal(signature, settle.Signature);
            var close = EscrowAbi.DecodeClose(EscrowAbi.EncodeClose(new EscrowCloseCall(d, MaxUint96, 3, signature)));
            Assert.Equal((d, MaxUint96, new BigInteger(3)), (close.Descriptor, close.CumulativeAmount, close.CaptureAmount));
            Assert.Equal(signature, close.Signature);
        }

        Assert.Equal(d, EscrowAbi.DecodeDescriptorCall(EscrowAbi.RequestCloseSignature, EscrowAbi.EncodeRequestClose(d)));
        Assert.Equal(d, EscrowAbi.DecodeDescriptorCall(EscrowAbi.GetChannelSignature, EscrowAbi.EncodeGetChannel(d)));
        var state = new EscrowChannelState(5, MaxUint96, uint.MaxValue);
        Assert.Equal(state, EscrowAbi.DecodeChannelState(EscrowAbi.EncodeChannelState(state)));
        Assert.Equal((d, state), EscrowAbi.DecodeGetChannelResult(EscrowAbi.EncodeGetChannelResult(d, state)));
        var opened = new EscrowChannelOpenedData(Operator, TempoChains.PathUsd, Payer, Bytes32(1), Bytes32(2), 10);
        Assert.Equal(opened, EscrowAbi.DecodeChannelOpenedData(EscrowAbi.EncodeChannelOpenedData(opened)));
        Assert.Equal([1, 2, 3], EscrowAbi.DecodeAmounts(EscrowAbi.EncodeAmounts(1, 2, 3), 3).Select(a => (int)a));
    }

    [Fact]
    public void Selectors_and_topics_are_keccak_of_the_signatures()
    {
        Assert.Equal(Keccak.Hash(EscrowAbi.OpenSignature)[..4], EscrowAbi.EncodeOpen(Open(1))[..4]);
        Assert.Equal(Hex.Encode(Keccak.Hash(EscrowAbi.ChannelOpenedEvent)), EscrowAbi.Topic(EscrowAbi.ChannelOpenedEvent));
        // approve(address,uint256) is the well-known 0x095ea7b3.
        Assert.Equal("0x095ea7b3", Hex.Encode(LegacyEscrowAbi.EncodeApprove(Payee, 1)[..4]));
    }

    [Fact]
    public void Amounts_beyond_uint96_are_refused_when_encoding()
    {
        var d = Descriptor(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => EscrowAbi.EncodeOpen(Open(MaxUint96 + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscrowAbi.EncodeOpen(Open(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscrowAbi.EncodeTopUp(new EscrowTopUpCall(d, MaxUint96 + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscrowAbi.EncodeClose(new EscrowCloseCall(d, 1, MaxUint96 + 1, [])));
        Assert.Throws<FormatException>(() => EscrowAbi.EncodeOpen(Open(1, salt: "0x12")));
    }

    [Fact]
    public void Decoders_refuse_anything_but_the_canonical_encoding()
    {
        var open = EscrowAbi.EncodeOpen(Open(5));
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeOpen(open[..^1]));                         // short
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeOpen([.. open, .. new byte[32]]));          // trailing word
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeOpen([]));
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeTopUp(open));                               // other selector

        var dirtyAddress = open.ToArray();
        dirtyAddress[4] = 1;                                                                              // payee padding
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeOpen(dirtyAddress));

        var bigDeposit = open.ToArray();
        bigDeposit[4 + (3 * 32) + 19] = 1;                                                                // bit 96 of deposit
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeOpen(bigDeposit));

        var close = EscrowAbi.EncodeClose(new EscrowCloseCall(Descriptor(1), 1, 1, [1, 2, 3]));
        var badOffset = close.ToArray();
        badOffset[4 + (9 * 32) + 31] ^= 0x20;
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeClose(badOffset));
        var badLength = close.ToArray();
        badLength[4 + (10 * 32) + 31] = 40;
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeClose(badLength));
        var hugeLength = close.ToArray();
        hugeLength[4 + (10 * 32) + 28] = 0xff;
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeClose(hugeLength));
        var dirtyPadding = close.ToArray();
        dirtyPadding[^1] = 9;
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeClose(dirtyPadding));

        Assert.Throws<FormatException>(() => EscrowAbi.DecodeChannelState(new byte[64]));
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeGetChannelResult(new byte[32]));
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeAmounts(new byte[33], 1));
        Assert.Throws<FormatException>(() => EscrowAbi.DecodeChannelOpenedData(new byte[5 * 32]));
        Assert.Throws<FormatException>(() => LegacyEscrowAbi.DecodeOpen(open));
        Assert.Throws<FormatException>(() => LegacyEscrowAbi.DecodeClose(close));
    }
}
