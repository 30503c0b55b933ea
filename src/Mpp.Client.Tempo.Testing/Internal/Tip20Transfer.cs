using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// One TIP-20 transfer: read from a call's ABI data (<c>transfer(address,uint256)</c>, selector 0xa9059cbb, or
/// <c>transferWithMemo(address,uint256,bytes32)</c>, selector 0x95777d59 — viem <c>src/tempo/Abis.ts</c>) or from a
/// receipt's <c>Transfer</c>/<c>TransferWithMemo</c> logs. Addresses are lower-case hex; <see cref="Memo"/> is null for
/// a plain transfer.
/// </summary>
internal sealed record Tip20Transfer(string Token, string To, BigInteger Amount, byte[]? Memo)
{
    /// <summary>keccak256("Transfer(address,address,uint256)"), topic 0 of the ERC-20/TIP-20 transfer event.</summary>
    public static readonly string TransferTopic = Hex.Encode(Keccak.Hash("Transfer(address,address,uint256)"));

    /// <summary>keccak256("TransferWithMemo(address,address,uint256,bytes32)"), the TIP-20 memo event (memo indexed).</summary>
    public static readonly string TransferWithMemoTopic = Hex.Encode(Keccak.Hash("TransferWithMemo(address,address,uint256,bytes32)"));

    private static ReadOnlySpan<byte> TransferSelector => [0xa9, 0x05, 0x9c, 0xbb];

    private static ReadOnlySpan<byte> TransferWithMemoSelector => [0x95, 0x77, 0x7d, 0x59];

    /// <summary>The memo as 0x-hex, or null.</summary>
    public string? MemoHex => Memo is null ? null : Hex.Encode(Memo);

    /// <summary>Reads a call as a TIP-20 transfer; <paramref name="problem"/> says why it is not one.</summary>
    public static bool TryRead(TempoCall call, out Tip20Transfer? transfer, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(call);
        transfer = null;
        if (call.To is null)
        {
            problem = "a call creates a contract";
            return false;
        }

        if (!call.Value.IsZero)
        {
            problem = "TIP-20 calls carry no value";
            return false;
        }

        var input = call.Input;
        var memo = input.Length == 100 && input[..4].SequenceEqual(TransferWithMemoSelector);
        if (!memo && !(input.Length == 68 && input[..4].SequenceEqual(TransferSelector)))
        {
            problem = "a call is neither a TIP-20 transfer nor transferWithMemo";
            return false;
        }

        if (input[4..16].ContainsAnyExcept((byte)0))
        {
            problem = "malformed address argument";
            return false;
        }

        transfer = new Tip20Transfer(
            EvmAddress.Normalize(call.To),
            Hex.Encode(input[16..36]),
            new BigInteger(input[36..68], isUnsigned: true, isBigEndian: true),
            memo ? input[68..100].ToArray() : null);
        problem = null;
        return true;
    }

    /// <summary>A 32-byte ABI word holding an address (topics of the transfer events).</summary>
    public static string AddressWord(string address)
    {
        var word = new byte[32];
        EvmAddress.ToBytes(address).CopyTo(word, 12);
        return Hex.Encode(word);
    }

    /// <summary>A uint256 as a 32-byte big-endian word.</summary>
    public static byte[] Word(BigInteger value)
    {
        var word = new byte[32];
        if (!value.IsZero)
        {
            var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
            bytes.CopyTo(word, 32 - bytes.Length);
        }

        return word;
    }
}
