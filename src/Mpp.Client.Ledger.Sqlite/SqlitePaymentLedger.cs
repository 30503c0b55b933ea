using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Ledger.Sql;
using Mpp.Client.Ledger.Sqlite.Internal;

namespace Mpp.Client.Ledger.Sqlite;

/// <summary>
/// A durable <see cref="IPaymentLedger"/> in one SQLite file: the in-memory ledger's rules (every cap checked atomically,
/// unknown outcomes stay counted, a retried reserve counts once), kept across restarts and shared by every process on the
/// host that opens the same file. Each reserve is one <c>BEGIN IMMEDIATE</c> transaction in WAL mode.
/// </summary>
/// <remarks>
/// The store is opened (schema created or migrated, expired leases released, entries left sent reported) by
/// <see cref="InitializeAsync"/>, which the host runs at start when the ledger is registered with <c>UseSqliteLedger</c>,
/// or otherwise by the first call. A reservation never sent is released once <see cref="SqliteLedgerOptions.Lease"/> has
/// passed; a sent one stays counted until it is completed or resolved.
/// </remarks>
public sealed class SqlitePaymentLedger : IPaymentLedger, IAsyncDisposable, IDisposable, IDurableLedger, IWalletStateStore
{
    private readonly SqlLedger _ledger;

    /// <summary>Creates the ledger; nothing is opened until <see cref="InitializeAsync"/> or the first call.</summary>
    /// <exception cref="ArgumentException"><see cref="SqliteLedgerOptions.Path"/> is missing, or a duration is not positive.</exception>
    public SqlitePaymentLedger(SqliteLedgerOptions options, TimeProvider? timeProvider = null, ILogger<SqlitePaymentLedger>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path, "options.Path");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Lease, TimeSpan.Zero, "options.Lease");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Retention, TimeSpan.Zero, "options.Retention");
        Path = options.Path;
        _ledger = new SqlLedger(new SqliteStore(options.Path), new SqlLedgerSettings(options.Lease, options.Retention),
            timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance, new LedgerMetrics(meterFactory));
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The entries found sent (or with an unknown outcome) when the store was opened: payments a previous run left unresolved.</summary>
    public IReadOnlyList<LedgerEntry> PendingAtStart => _ledger.PendingAtStart;

    /// <summary>Opens the store: creates or migrates the schema, releases expired leases, reports pending entries. Runs once.</summary>
    /// <exception cref="LedgerStoreException">The file is corrupt, cannot be created or written, or holds a schema from a newer version.</exception>
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

    /// <summary>Closes the database file.</summary>
    public ValueTask DisposeAsync() => _ledger.DisposeAsync();

    /// <summary>Closes the database file (SQLite closes synchronously, so nothing waits on I/O here).</summary>
    public void Dispose() => _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
