using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tip20;

/// <summary>
/// ABI call data for TIP-20 <c>transferWithMemo(address to, uint256 amount, bytes32 memo)</c>, the call mppx 0.11.0
/// makes per payee (<c>dist/tempo/client/Charge.js</c>: <c>Actions.token.transfer.call</c> with <c>memo</c>). Selector
/// 0x95777d59 = keccak256("transferWithMemo(address,uint256,bytes32)")[0..4], then three 32-byte words (address
/// left-padded, amount big-endian, memo as is) — the Solidity ABI, as in the call data of conformance vector
/// <c>tempo-fee-payer-cosign.json</c>.
/// </summary>
internal static class Tip20Calls
{
    public const string TransferWithMemoSignature = "transferWithMemo(address,uint256,bytes32)";

    private static ReadOnlySpan<byte> TransferWithMemoSelector => [0x95, 0x77, 0x7d, 0x59];

    public static byte[] TransferWithMemoData(string to, BigInteger amount, ReadOnlySpan<byte> memo)
    {
        if (memo.Length != 32)
        {
            throw new ArgumentException("A TIP-20 memo is 32 bytes.", nameof(memo));
        }

        if (amount.Sign < 0 || amount.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "The amount is a uint256.");
        }

        var data = new byte[4 + (3 * 32)];
        TransferWithMemoSelector.CopyTo(data);
        EvmAddress.ToBytes(to).CopyTo(data, 4 + 12);
        var amountBytes = amount.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (!amount.IsZero)
        {
            amountBytes.CopyTo(data, 4 + 32 + (32 - amountBytes.Length));
        }

        memo.CopyTo(data.AsSpan(4 + 64));
        return data;
    }

    /// <summary>The call to the token contract.</summary>
    public static TempoCall TransferWithMemo(string token, string to, BigInteger amount, ReadOnlySpan<byte> memo) =>
        new(token, BigInteger.Zero, TransferWithMemoData(to, amount, memo));
}
