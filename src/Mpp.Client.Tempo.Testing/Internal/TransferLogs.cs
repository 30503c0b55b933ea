using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The TIP-20 transfers a receipt's logs show on one token: a <c>TransferWithMemo</c> log (topics: event, from, to,
/// memo; data: amount) is one memo transfer, and it consumes the <c>Transfer</c> log the token emits beside it with the
/// same from, to and amount; every other <c>Transfer</c> log is a plain transfer (the pairing mppx 0.11.0's server
/// applies, <c>getTransferLogEffects</c>).
/// </summary>
internal static class TransferLogs
{
    public static List<Tip20Transfer> Read(IReadOnlyList<TempoLog> logs, string token)
    {
        var plain = new List<(string From, Tip20Transfer Transfer)>();
        var memos = new List<(string From, Tip20Transfer Transfer)>();
        foreach (var log in logs)
        {
            if (log.Address != token || log.Data.Length != 32 || log.Topics.Count < 3)
            {
                continue;
            }

            var amount = new BigInteger(log.Data, isUnsigned: true, isBigEndian: true);
            var from = AddressOf(log.Topics[1]);
            var to = AddressOf(log.Topics[2]);
            if (log.Topics[0] == Tip20Transfer.TransferTopic && log.Topics.Count == 3)
            {
                plain.Add((from, new Tip20Transfer(token, to, amount, null)));
            }
            else if (log.Topics[0] == Tip20Transfer.TransferWithMemoTopic && log.Topics.Count == 4)
            {
                memos.Add((from, new Tip20Transfer(token, to, amount, Hex.Decode(log.Topics[3]))));
            }
        }

        foreach (var (from, memo) in memos)
        {
            var twin = plain.FindIndex(p => p.From == from && p.Transfer.To == memo.To && p.Transfer.Amount == memo.Amount);
            if (twin >= 0)
            {
                plain.RemoveAt(twin);
            }
        }

        return [.. memos.Select(m => m.Transfer), .. plain.Select(p => p.Transfer)];
    }

    private static string AddressOf(string topic)
    {
        var word = Hex.Decode(topic);
        return word.Length == 32 ? Hex.Encode(word.AsSpan(12)) : throw new FormatException("A topic is 32 bytes.");
    }
}
