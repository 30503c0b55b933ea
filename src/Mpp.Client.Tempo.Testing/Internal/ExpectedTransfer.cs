using System.Numerics;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// One payment effect a challenge asks for: <see cref="Amount"/> of the currency to <see cref="To"/>, with the memo the
/// challenge requires (<see cref="Memo"/> exact; or, when <see cref="AttributionOnly"/>, mppx's attribution memo, whose
/// client-id bytes 15..25 are the client's own and not compared), or any memo and none when <see cref="Memo"/> is null.
/// </summary>
internal sealed record ExpectedTransfer(string To, BigInteger Amount, byte[]? Memo, bool AttributionOnly)
{
    public bool Matches(Tip20Transfer transfer)
    {
        if (transfer.To != To || transfer.Amount != Amount)
        {
            return false;
        }

        if (Memo is null)
        {
            return true;
        }

        if (transfer.Memo is not { } memo)
        {
            return false;
        }

        return AttributionOnly
            ? memo.AsSpan(0, 15).SequenceEqual(Memo.AsSpan(0, 15)) && memo.AsSpan(25).SequenceEqual(Memo.AsSpan(25))
            : memo.AsSpan().SequenceEqual(Memo);
    }

    /// <summary>
    /// Matches every expected effect to a distinct actual transfer (order not significant, draft-tempo-charge-01 §
    /// "Ordering"). Stricter expectations pick first, so the greedy choice is never worse than any other. Returns what
    /// was not matched on either side.
    /// </summary>
    public static (List<ExpectedTransfer> Missing, List<Tip20Transfer> Extra) Match(IEnumerable<ExpectedTransfer> expected, IEnumerable<Tip20Transfer> actual)
    {
        var left = actual.ToList();
        var missing = new List<ExpectedTransfer>();
        foreach (var e in expected.OrderBy(e => e.Memo is null ? 2 : e.AttributionOnly ? 1 : 0))
        {
            var index = left.FindIndex(e.Matches);
            if (index < 0)
            {
                missing.Add(e);
            }
            else
            {
                left.RemoveAt(index);
            }
        }

        return (missing, left);
    }
}
