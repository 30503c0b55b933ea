using System.Numerics;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>
/// Expiring nonces: nonce key 2^256 − 1 with nonce 0 and a near validBefore (viem <c>src/tempo/chainConfig.ts</c>:
/// <c>nonceKey === 'expiring' || nonceKey === maxUint256</c>). mppx 0.11.0 pays pull mode with one
/// (<c>dist/tempo/client/Charge.js</c>: <c>nonceKey: 'expiring'</c>, <c>validBefore = min(now + 25 s, challenge expiry)</c>).
/// </summary>
internal static class TempoNonce
{
    /// <summary>2^256 − 1.</summary>
    public static BigInteger ExpiringKey { get; } = (BigInteger.One << 256) - 1;

    /// <summary>How far ahead mppx 0.11.0 sets validBefore.</summary>
    public static TimeSpan DefaultLifetime { get; } = TimeSpan.FromSeconds(25);

    /// <summary>floor(now) + 25 s, or the challenge's expiry (floored to seconds) when that is sooner.</summary>
    public static ulong ValidBefore(DateTimeOffset now, DateTimeOffset? challengeExpires)
    {
        var byDefault = now.ToUnixTimeSeconds() + (long)DefaultLifetime.TotalSeconds;
        var result = challengeExpires is { } expires ? Math.Min(byDefault, expires.ToUnixTimeSeconds()) : byDefault;
        return result <= 0 ? throw new ArgumentOutOfRangeException(nameof(challengeExpires), "validBefore must be after the Unix epoch.") : (ulong)result;
    }
}
