namespace Mpp.Client.Ledger.Sqlite;

/// <summary>Where the SQLite ledger keeps its file, and how long it holds reservations and history.</summary>
public sealed class SqliteLedgerOptions
{
    /// <summary>The database file (<c>Mpp:Ledger:Path</c>); created with its folder when missing. Processes that name the same file share its budgets.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// How long a reservation whose credential was never sent stays counted (<c>Mpp:Ledger:Lease</c>, default 15
    /// minutes): after it, a process that died between reserve and send no longer holds budget. A sent entry never expires.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long settled and released entries stay listable (<c>Mpp:Ledger:Retention</c>, default 30 days); caps keep
    /// counting them after that through per-scope totals.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
