namespace Mpp.Client.Testing.Internal;

/// <summary>The state of one <c>Idempotency-Key</c> of one route: a gate that serializes its payments, and the accepted one.</summary>
/// <param name="expiresAt">The expiry of the challenge the entry is made for (never prunable from before it existed).</param>
internal sealed class IdempotencyEntry(DateTimeOffset? expiresAt)
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    private long _latestExpiryTicks = (expiresAt ?? DateTimeOffset.MaxValue).UtcTicks;

    /// <summary>The payment accepted with this key, answered again to the same request.</summary>
    public CredentialVerification? Accepted { get; set; }

    /// <summary>The latest expiry of the challenges presented with this key (a challenge with none keeps the entry for good).</summary>
    public DateTimeOffset LatestExpiry => new(Interlocked.Read(ref _latestExpiryTicks), TimeSpan.Zero);

    /// <summary>Notes a challenge presented with this key.</summary>
    public void Cover(DateTimeOffset? expiresAt)
    {
        var ticks = (expiresAt ?? DateTimeOffset.MaxValue).UtcTicks;
        long current;
        while ((current = Interlocked.Read(ref _latestExpiryTicks)) < ticks && Interlocked.CompareExchange(ref _latestExpiryTicks, ticks, current) != current)
        {
        }
    }
}
