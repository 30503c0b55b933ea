using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The chain side's own reading and writing of the TIP-1034 channel escrow ABI (function selectors, 32-byte words, the
/// static descriptor tuple, event topics) — deliberately independent of the wallet's encoder so one cannot hide the
/// other's mistake. Every read is strict: an address word with high bytes set, a uint96 above 2^96 − 1 or a dynamic
/// <c>bytes</c> offset out of range is malformed calldata.
/// </summary>
internal static class EscrowAbi
{
    private const string Descriptor = "(address,address,address,address,bytes32,address,bytes32)";

    public static readonly BigInteger MaxUint96 = (BigInteger.One << 96) - 1;

    public static readonly string Open = Selector("open(address,address,address,uint96,bytes32,address)");
    public static readonly string Settle = Selector($"settle({Descriptor},uint96,bytes)");
    public static readonly string TopUp = Selector($"topUp({Descriptor},uint96)");
    public static readonly string Close = Selector($"close({Descriptor},uint96,uint96,bytes)");
    public static readonly string RequestClose = Selector($"requestClose({Descriptor})");
    public static readonly string Withdraw = Selector($"withdraw({Descriptor})");
    public static readonly string GetChannel = Selector($"getChannel({Descriptor})");
    public static readonly string GetChannelState = Selector("getChannelState(bytes32)");
    public static readonly string GetChannelStatesBatch = Selector("getChannelStatesBatch(bytes32[])");
    public static readonly string ComputeChannelId = Selector("computeChannelId(address,address,address,address,bytes32,address,bytes32)");
    public static readonly string GetVoucherDigest = Selector("getVoucherDigest(bytes32,uint96)");
    public static readonly string DomainSeparator = Selector("domainSeparator()");
    public static readonly string CloseGracePeriod = Selector("CLOSE_GRACE_PERIOD()");
    public static readonly string VoucherTypehash = Selector("VOUCHER_TYPEHASH()");

    public static readonly string ChannelOpenedTopic = Topic("ChannelOpened(bytes32,address,address,address,address,address,bytes32,bytes32,uint96)");
    public static readonly string SettledTopic = Topic("Settled(bytes32,address,address,uint96,uint96,uint96)");
    public static readonly string TopUpTopic = Topic("TopUp(bytes32,address,address,uint96,uint96)");
    public static readonly string CloseRequestedTopic = Topic("CloseRequested(bytes32,address,address,uint256)");
    public static readonly string CloseRequestCancelledTopic = Topic("CloseRequestCancelled(bytes32,address,address)");
    public static readonly string ChannelClosedTopic = Topic("ChannelClosed(bytes32,address,address,uint96,uint96)");

    /// <summary>The 4-byte selector of a function signature as lower-case hex without 0x.</summary>
    public static string Selector(string signature) => Convert.ToHexStringLower(Keccak.Hash(signature).AsSpan(0, 4));

    public static string Topic(string signature) => Hex.Encode(Keccak.Hash(signature));

    /// <summary>The selector of <paramref name="input"/> (lower-case hex), or null when it is shorter than 4 bytes.</summary>
    public static string? SelectorOf(ReadOnlySpan<byte> input) => input.Length < 4 ? null : Convert.ToHexStringLower(input[..4]);

    /// <summary>The <paramref name="index"/>-th argument word (after the selector).</summary>
    public static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> input, int index)
    {
        var start = 4 + (32 * index);
        return start + 32 <= input.Length ? input.Slice(start, 32) : throw new EscrowRevert("MalformedCalldata");
    }

    public static string Address(ReadOnlySpan<byte> input, int index)
    {
        var word = Word(input, index);
        return word[..12].ContainsAnyExcept((byte)0) ? throw new EscrowRevert("MalformedCalldata") : Hex.Encode(word[12..]);
    }

    public static string Bytes32(ReadOnlySpan<byte> input, int index) => Hex.Encode(Word(input, index));

    public static BigInteger Uint(ReadOnlySpan<byte> input, int index, int bits)
    {
        var value = new BigInteger(Word(input, index), isUnsigned: true, isBigEndian: true);
        return value >> bits != 0 ? throw new EscrowRevert("MalformedCalldata") : value;
    }

    /// <summary>A dynamic <c>bytes</c> argument whose offset word is argument <paramref name="index"/>.</summary>
    public static byte[] DynamicBytes(ReadOnlySpan<byte> input, int index)
    {
        var body = input[4..];
        var offset = Uint(input, index, 32);
        if (offset + 32 > body.Length)
        {
            throw new EscrowRevert("MalformedCalldata");
        }

        var length = new BigInteger(body.Slice((int)offset, 32), isUnsigned: true, isBigEndian: true);
        return offset + 32 + length > body.Length
            ? throw new EscrowRevert("MalformedCalldata")
            : body.Slice((int)offset + 32, (int)length).ToArray();
    }

    /// <summary>The descriptor tuple (static, so inline) starting at argument word <paramref name="index"/>.</summary>
    public static EscrowDescriptor ReadDescriptor(ReadOnlySpan<byte> input, int index) => new(
        Address(input, index),
        Address(input, index + 1),
        Address(input, index + 2),
        Address(input, index + 3),
        Bytes32(input, index + 4),
        Address(input, index + 5),
        Bytes32(input, index + 6));

    public static byte[] AddressWord(string address)
    {
        var word = new byte[32];
        EvmAddress.ToBytes(address).CopyTo(word, 12);
        return word;
    }

    public static byte[] UintWord(BigInteger value) => Tip20Transfer.Word(value);

    public static byte[] Bytes32Word(string hex)
    {
        var bytes = Hex.Decode(hex);
        return bytes.Length == 32 ? bytes : throw new FormatException("A bytes32 value is 32 bytes.");
    }

    /// <summary>The descriptor as seven ABI words.</summary>
    public static IEnumerable<byte[]> DescriptorWords(EscrowDescriptor d) =>
    [
        AddressWord(d.Payer), AddressWord(d.Payee), AddressWord(d.Operator), AddressWord(d.Token),
        Bytes32Word(d.Salt), AddressWord(d.AuthorizedSigner), Bytes32Word(d.ExpiringNonceHash),
    ];

    /// <summary>The packed state tuple (settled, deposit, closeRequestedAt) as three ABI words.</summary>
    public static IEnumerable<byte[]> StateWords(BigInteger settled, BigInteger deposit, uint closeRequestedAt) =>
        [UintWord(settled), UintWord(deposit), UintWord(closeRequestedAt)];

    public static byte[] Concat(IEnumerable<byte[]> words) => [.. words.SelectMany(w => w)];
}
