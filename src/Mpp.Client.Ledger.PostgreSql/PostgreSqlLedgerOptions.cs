namespace Mpp.Client.Ledger.PostgreSql;

/// <summary>Which PostgreSQL database holds the ledger, and how long it holds reservations and history.</summary>
public sealed class PostgreSqlLedgerOptions
{
    /// <summary>
    /// The Npgsql connection string (<c>Mpp:Ledger:ConnectionString</c>, from any configuration source, such as a secret
    /// store or an environment variable). It is never logged or put in an error message. When null, an
    /// <c>NpgsqlDataSource</c> registered in the service collection is used.
    /// </summary>
    public string? ConnectionString { get; set; }

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
