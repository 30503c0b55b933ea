namespace Mpp.Client.Tempo;

/// <summary>
/// The Tempo wallet's settings, bound from <c>Mpp:Tempo</c> by <c>AddTempo()</c>. Only chains listed under
/// <see cref="Rpc"/> are payable; the tokens paid in are the ones the core's policy allows (<c>Mpp:Assets</c>,
/// <c>Mpp:AllowedAssets</c>; pathUSD and USDC.e are known as <c>usd</c>).
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="PrivateKey"/>.</remarks>
public sealed class TempoOptions
{
    /// <summary>The configuration section name under <c>Mpp</c>.</summary>
    public const string SectionName = "Tempo";

    /// <summary>
    /// The account's secp256k1 private key, 32 bytes as hex (0x optional). Give it through a secret source (user
    /// secrets, the environment variable <c>Mpp__Tempo__PrivateKey</c>, a vault provider), or leave it unset and register
    /// an <see cref="ITempoSigner"/> instead.
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>
    /// The JSON-RPC endpoint of a Tempo node per chain id (<c>"42431": "https://rpc.moderato.tempo.xyz"</c>,
    /// <c>"4217": "https://rpc.tempo.xyz"</c>). This is also the chain allow-list: a challenge for a chain not listed
    /// here is refused before anything is signed.
    /// </summary>
    public Dictionary<string, string> Rpc { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The submission mode used when a challenge allows both (<see cref="TempoSubmissionMode.Pull"/> by default).</summary>
    public TempoSubmissionMode PreferredMode { get; set; } = TempoSubmissionMode.Pull;

    /// <summary>
    /// Whether the wallet may broadcast payments itself (push mode) when a challenge asks for it or when push is
    /// preferred. True by default; false refuses challenges that accept push only.
    /// </summary>
    public bool AllowPush { get; set; } = true;

    /// <summary>The most split entries accepted in one challenge (draft-tempo-charge-01: servers SHOULD allow at most 10).</summary>
    public int MaxSplits { get; set; } = 10;

    /// <summary>The client id folded into the attribution memo (mppx <c>clientId</c>), or null for ten zero bytes.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gas added to the node's estimate (mppx 0.11.0 adds 5,000).</summary>
    public ulong GasMargin { get; set; } = 5_000;

    /// <summary>How long fee data (base and priority fee) is reused; Tempo blocks are about half a second apart.</summary>
    public TimeSpan FeeDataLifetime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a gas estimate is reused for payments of the same shape (chain, token, sender, fee payer, payees in
    /// order); the difference in call data cost between the two payments is added. Zero asks the node every time.
    /// </summary>
    public TimeSpan GasEstimateLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The deadline of one exchange with a node (push mode waits for the receipt within it).</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries of a node request that failed in transit or with 429/5xx (0 to 5). Resending is safe for every call the
    /// wallet makes: reads, and a signed transaction whose hash is fixed.
    /// </summary>
    public int RpcRetries { get; set; } = 2;

    /// <summary>Tempo sessions (<c>Mpp:Tempo:Session</c>); off until <see cref="TempoSessionOptions.MaxDeposit"/> is set.</summary>
    public TempoSessionOptions Session { get; set; } = new();

    /// <inheritdoc/>
    public override string ToString() =>
        $"TempoOptions {{ PrivateKey = {(PrivateKey is null ? "unset" : "***")}, Rpc = [{string.Join(", ", Rpc.Keys)}], PreferredMode = {PreferredMode}, AllowPush = {AllowPush} }}";
}
