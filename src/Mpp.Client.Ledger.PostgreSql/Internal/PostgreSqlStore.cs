using System.Data;
using System.Data.Common;
using Mpp.Client.Ledger.Sql;
using Npgsql;

namespace Mpp.Client.Ledger.PostgreSql.Internal;

/// <summary>
/// A PostgreSQL database shared by a fleet. A reserve is one READ COMMITTED transaction that first locks the rows of the
/// series it touches (every payment in the unit, its host, each scope a cap names) in one sorted order, so concurrent
/// reserves on the same caps queue instead of failing, and reserves on unrelated caps do not wait for each other.
/// Amounts are <c>numeric</c>, exact.
/// </summary>
internal sealed class PostgreSqlStore : SqlStore
{
    private const long SchemaLockKey = 0x6d70705f6c6467; // "mpp_ldg"

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _serializable;

    /// <param name="dataSource">The database.</param>
    /// <param name="ownsDataSource">Dispose it with the store.</param>
    /// <param name="serializable">
    /// The alternative measured against row locks (BENCHMARKS.md): SERIALIZABLE transactions without explicit locks,
    /// run again on a serialization failure. Row locks are the default and the only public choice.
    /// </param>
    public PostgreSqlStore(NpgsqlDataSource dataSource, bool ownsDataSource, bool serializable = false)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _serializable = serializable;
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Describe = $"PostgreSQL ledger at {settings.Host}:{settings.Port}/{settings.Database}"; // never the password
    }

    public override string Describe { get; }

    public override int SchemaVersion => 1;

    public override string InsertionOrder => "seq";

    public override string ForUpdate => " FOR UPDATE";

    public override IReadOnlyList<string> Migration(int version) => version switch
    {
        1 =>
        [
            """
            CREATE TABLE mpp_ledger_entries (
              id uuid NOT NULL PRIMARY KEY, seq bigserial NOT NULL, unit text NOT NULL, host text NOT NULL, amount numeric NOT NULL,
              state integer NOT NULL, created_ms bigint NOT NULL, updated_ms bigint, lease_ms bigint NOT NULL, wallet_reference text,
              reference text, description text, method text, intent text, challenge_id text, kind integer NOT NULL, parent_id uuid,
              scopes text NOT NULL, segments text NOT NULL, charge_amount numeric NOT NULL)
            """,
            "CREATE INDEX mpp_ledger_entries_open ON mpp_ledger_entries (state, lease_ms) WHERE state < 3",
            "CREATE TABLE mpp_ledger_buckets (scope text NOT NULL, unit text NOT NULL, second bigint NOT NULL, amount numeric NOT NULL, PRIMARY KEY (scope, unit, second))",
            "CREATE TABLE mpp_ledger_windows (seconds bigint NOT NULL PRIMARY KEY)",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    public override string Add(string left, string right) => $"{left} + {right}";

    public override string Sum(string column) => $"SUM({column})";

    public override object Amount(decimal value) => value;

    public override string ScopeRows(string parameter) => $"unnest({parameter}::text[]) AS scope_rows(value)";

    public override object ScopeList(IReadOnlyList<string> keys) => keys as string[] ?? [.. keys];

    public override decimal ReadAmount(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0m : reader.GetDecimal(ordinal);

    public override async ValueTask<SqlSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(write ? (_serializable ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted) : IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            return new Session(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override bool IsRetryable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override async ValueTask LockSeriesAsync(SqlSession session, string unit, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (_serializable)
        {
            return; // the database detects conflicting reads and writes; the ledger runs the transaction again
        }

        // Creates the missing lifetime rows (second -1) of the series and locks them all, in the sorted order of the array
        // (the same for every caller).
        await session.ExecuteAsync(
            "INSERT INTO mpp_ledger_buckets (scope, unit, second, amount) SELECT s, @p1, -1, 0 FROM unnest(@p0::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n ON CONFLICT (scope, unit, second) DO UPDATE SET amount = mpp_ledger_buckets.amount",
            cancellationToken, scopes.ToArray(), unit).ConfigureAwait(false);
    }

    public override async ValueTask LockSchemaAsync(SqlSession session, CancellationToken cancellationToken) =>
        await session.ScalarAsync("SELECT pg_advisory_xact_lock(@p0)", cancellationToken, SchemaLockKey).ConfigureAwait(false);

    public override async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction) : SqlSession
    {
        private bool _done;

        protected override async ValueTask CommitCoreAsync(CancellationToken cancellationToken)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _done = true;
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                try
                {
                    if (!_done && transaction.Connection is not null)
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
                {
                    // The transaction is gone with its connection (the server rolls it back): the error that ended it is the one to report.
                }

                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        protected override DbCommand Command(string sql, int parameterCount)
        {
            var command = new NpgsqlCommand(sql, connection, transaction);
            for (var i = 0; i < parameterCount; i++)
            {
                command.Parameters.Add(new NpgsqlParameter { ParameterName = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            return command;
        }
    }
}
