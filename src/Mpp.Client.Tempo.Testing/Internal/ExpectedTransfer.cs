using System.Numerics;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// One payment effect a challenge asks for: <see cref="Amount"/> of the currency to <see cref="To"/>, carrying exactly
/// <see cref="Memo"/> when the challenge names one (<c>methodDetails.memo</c> for the primary recipient,
/// <c>splits[i].memo</c> for a split), or any memo or none when <see cref="Memo"/> is null.
/// </summary>
internal sealed record ExpectedTransfer(string To, BigInteger Amount, byte[]? Memo)
{
    public bool Matches(Tip20Transfer transfer) =>
        transfer.To == To && transfer.Amount == Amount
        && (Memo is null || (transfer.Memo is { } memo && memo.AsSpan().SequenceEqual(Memo)));

    /// <summary>
    /// Matches every expected effect to a distinct actual transfer (order not significant, draft-tempo-charge-01 §
    /// "Ordering"). Effects with a named memo pick first (only an exact transfer fits them); the others then prefer a
    /// transfer <paramref name="preferred"/> accepts, so that a preferred transfer is among the matched ones whenever one
    /// could be. Returns the pairs and what was not matched on either side.
    /// </summary>
    public static MatchResult Match(IEnumerable<ExpectedTransfer> expected, IEnumerable<Tip20Transfer> actual, Func<Tip20Transfer, bool> preferred)
    {
        var left = actual.ToList();
        var result = new MatchResult();
        foreach (var e in expected.OrderBy(e => e.Memo is null ? 1 : 0))
        {
            var index = left.FindIndex(t => e.Matches(t) && preferred(t));
            if (index < 0)
            {
                index = left.FindIndex(e.Matches);
            }

            if (index < 0)
            {
                result.Missing.Add(e);
            }
            else
            {
                result.Matched.Add((e, left[index]));
                left.RemoveAt(index);
            }
        }

        result.Extra.AddRange(left);
        return result;
    }
}
