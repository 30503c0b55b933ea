namespace Mpp.Client.Tempo.Charge;

/// <summary>What a <see cref="TempoChargeMethod"/> accepts and how it pays (the checked form of <see cref="TempoOptions"/>).</summary>
internal sealed record TempoChargeOptions
{
    /// <summary>The chains this wallet pays on; a challenge naming another is refused before any I/O.</summary>
    public IReadOnlySet<ulong> Chains { get; init; } = new HashSet<ulong> { TempoChains.MainnetChainId, TempoChains.TestnetChainId };

    /// <summary>
    /// The TIP-20 tokens (lower-case addresses) this wallet pays in, or null to leave the choice to the core's asset
    /// policy (<c>Mpp:Assets</c>, <c>Mpp:AllowedAssets</c>), as <c>AddTempo()</c> does.
    /// </summary>
    public IReadOnlySet<string>? Tokens { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { TempoChains.PathUsd };

    /// <summary>The most split entries accepted (draft-tempo-charge-01: servers SHOULD limit splits to 10).</summary>
    public int MaxSplits { get; init; } = 10;

    /// <summary>The client id folded into the attribution memo (mppx <c>clientId</c>), or null.</summary>
    public string? ClientId { get; init; }

    /// <summary>Gas added to the node's estimate (mppx 0.11.0 <c>dist/tempo/client/Charge.js</c>: <c>+ 5_000n</c>).</summary>
    public ulong GasMargin { get; init; } = 5_000;

    /// <summary>The mode used when a challenge allows both.</summary>
    public TempoSubmissionMode PreferredMode { get; init; } = TempoSubmissionMode.Pull;

    /// <summary>Whether push mode may be used at all.</summary>
    public bool AllowPush { get; init; } = true;

    /// <summary>How long a gas estimate is reused for payments of the same shape; zero disables the cache.</summary>
    public TimeSpan GasEstimateLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long push mode lets the node wait for the receipt (<c>eth_sendRawTransactionSync</c>'s timeout).</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
