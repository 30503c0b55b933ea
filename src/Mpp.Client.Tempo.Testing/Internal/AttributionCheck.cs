using Mpp.Client.Tempo.Attribution;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The challenge binding mppx 0.11.0's server requires (<c>dist/tempo/server/Charge.js</c>
/// <c>assertChallengeBoundMemo</c>, <c>dist/tempo/Attribution.js</c> <c>verifyServer</c> and
/// <c>verifyChallengeBinding</c>): at least one matched transfer carries an attribution memo whose tag and version
/// (bytes 0..5), server fingerprint keccak256(realm)[0..10] (bytes 5..15) and challenge nonce keccak256(challengeId)[0..7]
/// (bytes 25..32) are this challenge's; the client fingerprint (bytes 15..25) is the client's own and not compared.
/// </summary>
internal sealed class AttributionCheck(string challengeId, string realm)
{
    private readonly byte[] _expected = AttributionMemo.Encode(challengeId, realm, clientId: null);

    public bool IsBound(Tip20Transfer transfer) =>
        transfer.Memo is { Length: 32 } memo
        && memo.AsSpan(0, 15).SequenceEqual(_expected.AsSpan(0, 15))
        && memo.AsSpan(25).SequenceEqual(_expected.AsSpan(25));

    /// <summary>
    /// True when the binding holds: a transfer the challenge names no memo for carries the attribution memo. When every
    /// transfer's memo is named by the challenge there is no room for one, and nothing more is asked.
    /// </summary>
    public bool Holds(MatchResult match) =>
        match.Matched.All(m => m.Expected.Memo is not null)
        || match.Matched.Any(m => m.Expected.Memo is null && IsBound(m.Actual));
}
