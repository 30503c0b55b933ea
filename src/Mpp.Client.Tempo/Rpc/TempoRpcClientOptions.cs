namespace Mpp.Client.Tempo.Rpc;

/// <summary>Limits and cache lifetimes of <see cref="TempoRpcClient"/>.</summary>
internal sealed class TempoRpcClientOptions
{
    /// <summary>How long fee data (priority fee and latest base fee) is reused; Tempo blocks are about a second apart.</summary>
    public TimeSpan FeeDataLifetime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The deadline for one exchange with the node, from sending the request to the last byte of the answer
    /// (measured with the client's <see cref="TimeProvider"/>).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest response body read; a larger one is a <see cref="TempoRpcMalformedResponseException"/>.</summary>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>Retries of an exchange that failed in transit or with 408/429/5xx (0 to 5; exponential back-off with jitter).</summary>
    public int Retries { get; init; }

    /// <summary>The first retry's delay (doubling after).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
