using System.Data.Common;

namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// What differs between the databases a <see cref="SqlLedger"/> runs on: how a session opens and locks, how exact decimals
/// are stored and summed, and the schema. The ledger's SQL is otherwise shared, so both stores keep the same rules.
/// </summary>
internal abstract class SqlStore : IAsyncDisposable
{
    /// <summary>The store's name in messages (<c>SQLite ledger at /var/lib/agent/ledger.db</c>); never a secret.</summary>
    public abstract string Describe { get; }

    /// <summary>The newest schema version this code writes.</summary>
    public abstract int SchemaVersion { get; }

    /// <summary>The column that orders entries by insertion (a tie-breaker for equal creation times).</summary>
    public abstract string InsertionOrder { get; }

    /// <summary>Appended to a SELECT of one entry that is about to change (a row lock where the database has them).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>The statements that bring the schema from <paramref name="version"/> − 1 to <paramref name="version"/>.</summary>
    public abstract IReadOnlyList<string> Migration(int version);

    /// <summary>An exact sum of two amounts in SQL.</summary>
    public abstract string Add(string left, string right);

    /// <summary>An exact sum of an amount column over rows in SQL (null over no rows).</summary>
    public abstract string Sum(string column);

    /// <summary>A table expression with one column <c>value</c>: the scope keys passed as <paramref name="parameter"/> (see <see cref="ScopeList"/>).</summary>
    public abstract string ScopeRows(string parameter);

    /// <summary>Scope keys as one parameter value for <see cref="ScopeRows"/>.</summary>
    public abstract object ScopeList(IReadOnlyList<string> keys);

    /// <summary>An amount as a parameter value.</summary>
    public abstract object Amount(decimal value);

    /// <summary>Reads an amount (0 for NULL).</summary>
    public abstract decimal ReadAmount(DbDataReader reader, int ordinal);

    /// <summary>Opens a session: a write session holds the write lock (or a transaction that takes row locks) until disposed.</summary>
    public abstract ValueTask<SqlSession> BeginAsync(bool write, CancellationToken cancellationToken);

    /// <summary>
    /// Serializes this transaction with every other that touches the same caps: creates the rows of the series
    /// (<paramref name="scopes"/> in <paramref name="unit"/>, sorted) if missing and locks them in order.
    /// </summary>
    public abstract ValueTask LockSeriesAsync(SqlSession session, string unit, IReadOnlyList<string> scopes, CancellationToken cancellationToken);

    /// <summary>Takes a lock that serializes schema migrations across processes, for the session's transaction.</summary>
    public abstract ValueTask LockSchemaAsync(SqlSession session, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> is the database's error (to be wrapped as unavailable).</summary>
    public virtual bool IsStoreFailure(Exception exception) => exception is DbException or IOException or TimeoutException or System.Net.Sockets.SocketException;

    /// <summary>
    /// True when a session can send a write batch's statements in one round trip (<see cref="SqlSession.PipelineAsync"/>),
    /// with <see cref="LockSeriesStatement"/> and <see cref="ReserveCall"/> as the statements.
    /// </summary>
    public virtual bool Pipelines => false;

    /// <summary>The statement <see cref="LockSeriesAsync"/> runs, for a pipelined batch.</summary>
    public virtual (string Sql, object?[] Values) LockSeriesStatement(string unit, IReadOnlyList<string> scopes) => throw new NotSupportedException();

    /// <summary>
    /// The one call that reserves a charge, for a pipelined batch: it inserts the entry unless its id exists, checks the
    /// limits in order, and counts the charge in every series of <paramref name="keys"/>. It returns one row (refused:
    /// -2 when the id existed, -1 when reserved, else the index of the refusing limit; spent: what that limit counted);
    /// <c>Positions</c> maps that index back to <paramref name="limits"/>.
    /// </summary>
    public virtual (string Sql, object?[] Values, int[] Positions) ReserveCall(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, IReadOnlyList<string> keys, DateTimeOffset now, TimeSpan lease) =>
        throw new NotSupportedException();

    /// <summary>True when <paramref name="exception"/> means "run the transaction again" (a serialization failure).</summary>
    public virtual bool IsRetryable(Exception exception) => false;

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
