using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Attribution;

/// <summary>
/// The 32-byte challenge-bound attribution memo mppx 0.11.0 puts in every <c>transferWithMemo</c>
/// (<c>dist/tempo/Attribution.js</c> <c>encode</c>): keccak256("mpp")[0..4] ‖ 0x01 ‖ keccak256(realm)[0..10] ‖
/// keccak256(clientId)[0..10] or ten zero bytes ‖ keccak256(challengeId)[0..7]. The conformance vectors
/// <c>tempo-transaction-verification.json</c> and <c>tempo-receipt-verification.json</c> hold the memo for challenge
/// "challenge-123", realm "api.example.com", no client id.
/// </summary>
internal static class AttributionMemo
{
    public const byte Version = 0x01;

    public static byte[] Encode(string challengeId, string realm, string? clientId)
    {
        ArgumentNullException.ThrowIfNull(challengeId);
        ArgumentNullException.ThrowIfNull(realm);
        var memo = new byte[32];
        Keccak.Hash("mpp").AsSpan(0, 4).CopyTo(memo);
        memo[4] = Version;
        Keccak.Hash(realm).AsSpan(0, 10).CopyTo(memo.AsSpan(5));
        if (!string.IsNullOrEmpty(clientId))
        {
            Keccak.Hash(clientId).AsSpan(0, 10).CopyTo(memo.AsSpan(15));
        }

        Keccak.Hash(challengeId).AsSpan(0, 7).CopyTo(memo.AsSpan(25));
        return memo;
    }

    /// <summary>The credential's <c>source</c>: did:pkh:eip155:&lt;chainId&gt;:&lt;address&gt; (mppx
    /// <c>dist/tempo/internal/proof.js</c> <c>proofSource</c>).</summary>
    public static string Source(ulong chainId, string address) =>
        $"did:pkh:eip155:{chainId.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{address}";
}
