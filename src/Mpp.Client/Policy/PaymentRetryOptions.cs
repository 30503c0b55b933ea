namespace Mpp.Client.Policy;

/// <summary>
/// Transient-failure retries of a request that already carries a credential (connection reset, timeout, 502/503/504):
/// the same credential and <c>Idempotency-Key</c> are resent; a new payment is never made.
/// </summary>
public sealed class PaymentRetryOptions
{
    /// <summary>How many times a paid request is resent after a transient failure (0 to 10). Default 2.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The first backoff delay; later ones grow exponentially with jitter. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A timeout for each paid attempt, after which it counts as a transient failure; null for none.</summary>
    public TimeSpan? AttemptTimeout { get; set; }
}
