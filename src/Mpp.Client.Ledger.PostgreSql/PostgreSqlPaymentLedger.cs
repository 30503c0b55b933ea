using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Ledger.PostgreSql.Internal;
using Mpp.Client.Ledger.Sql;
using Npgsql;

namespace Mpp.Client.Ledger.PostgreSql;

/// <summary>
/// A durable <see cref="IPaymentLedger"/> in PostgreSQL: one budget for every process that uses the same database, on
/// any number of machines, kept across restarts, with the in-memory ledger's rules (every cap checked atomically, unknown
/// outcomes stay counted, a retried reserve with the same id counts once).
/// </summary>
/// <remarks>
/// Each reserve is one transaction that locks the rows of the caps it touches, in one order, before it checks them: two
/// processes reserving against the same cap queue; reserves on unrelated caps do not. The store is opened (schema
/// created or migrated under an advisory lock, expired leases released, entries left sent reported) by
/// <see cref="InitializeAsync"/>, which the host runs at start when the ledger is registered with <c>UsePostgreSqlLedger</c>.
/// </remarks>
public sealed class PostgreSqlPaymentLedger : IPaymentLedger, IAsyncDisposable, IDisposable, IDurableLedger, IWalletStateStore
{
    private readonly SqlLedger _ledger;

    /// <summary>Creates the ledger on the database <see cref="PostgreSqlLedgerOptions.ConnectionString"/> names; nothing is opened until <see cref="InitializeAsync"/> or the first call.</summary>
    /// <exception cref="ArgumentException">The connection string is missing or malformed (the message never repeats it), or a duration is not positive.</exception>
    public PostgreSqlPaymentLedger(PostgreSqlLedgerOptions options, TimeProvider? timeProvider = null, ILogger<PostgreSqlPaymentLedger>? logger = null, IMeterFactory? meterFactory = null)
        : this(Build(options), ownsDataSource: true, options, timeProvider, logger, meterFactory)
    {
    }

    /// <summary>Creates the ledger on <paramref name="dataSource"/> (not disposed with the ledger).</summary>
    public PostgreSqlPaymentLedger(NpgsqlDataSource dataSource, PostgreSqlLedgerOptions options, TimeProvider? timeProvider = null, ILogger<PostgreSqlPaymentLedger>? logger = null, IMeterFactory? meterFactory = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, options, timeProvider, logger, meterFactory)
    {
    }

    /// <summary>The SERIALIZABLE-with-retry alternative to row locks, for the benchmark that compares them.</summary>
    internal PostgreSqlPaymentLedger(PostgreSqlLedgerOptions options, bool serializable)
        : this(Build(options), ownsDataSource: true, options, null, null, null, serializable)
    {
    }

    private PostgreSqlPaymentLedger(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlLedgerOptions options, TimeProvider? timeProvider, ILogger? logger, IMeterFactory? meterFactory, bool serializable = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Lease, TimeSpan.Zero, "options.Lease");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Retention, TimeSpan.Zero, "options.Retention");
        _ledger = new SqlLedger(new PostgreSqlStore(dataSource, ownsDataSource, serializable), new SqlLedgerSettings(options.Lease, options.Retention),
            timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance, new LedgerMetrics(meterFactory));
    }

    /// <summary>The entries found sent (or with an unknown outcome) when the store was opened: payments left unresolved.</summary>
    public IReadOnlyList<LedgerEntry> PendingAtStart => _ledger.PendingAtStart;

    /// <summary>Opens the store: creates or migrates the schema, releases expired leases, reports pending entries. Runs once.</summary>
    /// <exception cref="LedgerStoreException">The database cannot be reached or used, or holds a schema from a newer version.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _ledger.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">The store cannot be used; nothing was reserved.</exception>
    public ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        _ledger.ReserveAsync(charge, limits, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">
    /// The reservation was released before it was sent (<see cref="MppErrorCode.ReservationExpired"/>: its lease ran out), or the store cannot be used.
    /// </exception>
    public ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken cancellationToken) =>
        _ledger.MarkSentAsync(reservationId, walletReference, cancellationToken);

    /// <inheritdoc />
    public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken) =>
        _ledger.CompleteAsync(reservationId, outcome, reference, finalAmount, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">There is no pending reservation with this id.</exception>
    public ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        _ledger.AdjustAsync(reservationId, newAmount, limits, cancellationToken);

    /// <inheritdoc />
    public ValueTask<string?> GetStateAsync(string scope, string key, CancellationToken cancellationToken) =>
        _ledger.GetStateAsync(scope, key, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetStateAsync(string scope, string key, string value, CancellationToken cancellationToken) =>
        _ledger.SetStateAsync(scope, key, value, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListStateAsync(string scope, CancellationToken cancellationToken) =>
        _ledger.ListStateAsync(scope, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, CancellationToken cancellationToken) => _ledger.ListAsync(query, cancellationToken);

    /// <inheritdoc />
    public ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) =>
        _ledger.GetUsageAsync(unit, scope, window, cancellationToken);

    /// <summary>Closes the connections (the data source, when the ledger made it).</summary>
    public ValueTask DisposeAsync() => _ledger.DisposeAsync();

    /// <summary>Closes the connections (the data source, when the ledger made it).</summary>
    public void Dispose() => _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static NpgsqlDataSource Build(PostgreSqlLedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("A connection string is required (PostgreSqlLedgerOptions.ConnectionString, Mpp:Ledger:ConnectionString).", nameof(options));
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            // Not the parser's message: it may quote the string, password and all.
            throw new ArgumentException("The PostgreSQL connection string is malformed (it is not repeated here: it may hold a password).", nameof(options));
        }

        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 32; // the ledger runs a few fixed statements: prepare them once per connection
        }

        return new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }
}
