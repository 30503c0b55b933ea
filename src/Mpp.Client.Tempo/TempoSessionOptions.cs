namespace Mpp.Client.Tempo;

/// <summary>
/// Tempo sessions (<c>tempo/session</c>, draft-tempo-session-00), bound from <c>Mpp:Tempo:Session</c>. Sessions are paid
/// only when <see cref="MaxDeposit"/> is set: a deposit is money locked in escrow, so it needs an explicit bound. Amounts
/// are decimal strings in the token's display unit (TIP-20 tokens have 6 decimals: <c>"5"</c> is 5,000,000 base units).
/// </summary>
/// <remarks>
/// The deposit is reserved against the budget caps when a channel opens (rolling and lifetime caps; per-request caps
/// apply to each voucher instead); each voucher's increment moves from locked to spent; what is refunded at close is
/// released.
/// </remarks>
public sealed class TempoSessionOptions
{
    /// <summary>The configuration section name under <c>Mpp:Tempo</c>.</summary>
    public const string SectionName = "Session";

    /// <summary>
    /// The deposit of a new channel. Null: the server's <c>suggestedDeposit</c>, or <see cref="MaxDeposit"/> when the
    /// server suggests none. Always capped by <see cref="MaxDeposit"/>, and never below the price of the first request.
    /// </summary>
    public string? Deposit { get; set; }

    /// <summary>The most one channel may hold in escrow, top-ups included. Unset: sessions are not paid.</summary>
    public string? MaxDeposit { get; set; }

    /// <summary>The amount added by one top-up when the deposit runs low. Null: the channel's first deposit.</summary>
    public string? TopUp { get; set; }

    /// <summary>
    /// A file that keeps channels across restarts (<see cref="Session.FileChannelStore"/>). Null: channels live in the
    /// <see cref="Session.IChannelStore"/> registered in the service collection if any, else in the durable ledger's
    /// database when the ledger is one (<see cref="Session.LedgerChannelStore"/>; <c>UseSqliteLedger</c>,
    /// <c>UsePostgreSqlLedger</c>), else in memory.
    /// </summary>
    public string? ChannelStorePath { get; set; }

    /// <summary>
    /// Escrow addresses accepted besides the TIP-1034 channel escrow precompile
    /// (<c>0x4d50500000000000000000000000000000000000</c>). A challenge naming any other escrow is refused: the open
    /// transaction hands the deposit to that address.
    /// </summary>
    public List<string> AllowedEscrows { get; set; } = [];

    /// <summary>
    /// How long before its expiry a challenge is no longer reused for a voucher sent with no 402 in between (default 5
    /// seconds).
    /// </summary>
    public TimeSpan ChallengeReuseMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether open channels are closed when the host stops (a hosted service; with no host, call
    /// <see cref="Session.TempoSessions.CloseAllAsync"/> yourself). Default true: an open channel keeps its deposit locked
    /// in escrow until closed.
    /// </summary>
    public bool CloseOnShutdown { get; set; } = true;
}
