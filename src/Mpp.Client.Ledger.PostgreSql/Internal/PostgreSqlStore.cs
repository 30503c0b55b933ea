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

    public override int SchemaVersion => 2;

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
            ReserveFunction,
        ],
        2 => ["CREATE TABLE mpp_wallet_state (scope text NOT NULL, key text NOT NULL, value text NOT NULL, updated_ms bigint NOT NULL, PRIMARY KEY (scope, key))"],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>
    /// The shared reserve statements as one procedure (SqlLedger.ReserveOneAsync runs the same steps as statements on
    /// SQLite): insert the entry unless its id exists (-2), check each limit in order (window: buckets of the last
    /// seconds; lifetime, -1: the second -1 row), undo and report the first that refuses, else record the windows in use
    /// and count the charge in the bucket of this second and the lifetime row of every series.
    /// </summary>
    private const string ReserveFunction = """
        CREATE OR REPLACE FUNCTION mpp_ledger_reserve(
          p_id uuid, p_unit text, p_host text, p_amount numeric, p_created_ms bigint, p_lease_ms bigint, p_description text,
          p_method text, p_intent text, p_challenge_id text, p_kind integer, p_parent_id uuid, p_keys text[], p_segments text,
          p_second bigint, p_limit_scopes text[], p_limit_windows bigint[], p_limit_caps numeric[],
          OUT refused integer, OUT spent numeric)
        LANGUAGE plpgsql AS $$
        DECLARE
          i integer;
          total numeric;
        BEGIN
          refused := -1;
          spent := 0;
          INSERT INTO mpp_ledger_entries (id, unit, host, amount, state, created_ms, updated_ms, lease_ms, wallet_reference, reference,
            description, method, intent, challenge_id, kind, parent_id, scopes, segments, charge_amount)
          VALUES (p_id, p_unit, p_host, p_amount, 0, p_created_ms, NULL, p_lease_ms, NULL, NULL, p_description, p_method, p_intent,
            p_challenge_id, p_kind, p_parent_id, array_to_string(p_keys, chr(31)), p_segments, p_amount)
          ON CONFLICT (id) DO NOTHING;
          IF NOT FOUND THEN
            refused := -2;
            RETURN;
          END IF;
          FOR i IN 1 .. coalesce(array_length(p_limit_scopes, 1), 0) LOOP
            IF p_limit_windows[i] < 0 THEN
              SELECT b.amount INTO total FROM mpp_ledger_buckets b WHERE b.scope = p_limit_scopes[i] AND b.unit = p_unit AND b.second = -1;
            ELSE
              SELECT SUM(b.amount) INTO total FROM mpp_ledger_buckets b
                WHERE b.scope = p_limit_scopes[i] AND b.unit = p_unit AND b.second >= p_second - p_limit_windows[i];
            END IF;
            total := coalesce(total, 0);
            IF total + p_amount > p_limit_caps[i] THEN
              DELETE FROM mpp_ledger_entries WHERE id = p_id;
              refused := i - 1;
              spent := total;
              RETURN;
            END IF;
          END LOOP;
          INSERT INTO mpp_ledger_windows (seconds) SELECT DISTINCT w FROM unnest(p_limit_windows) AS w WHERE w >= 0
            ON CONFLICT (seconds) DO NOTHING;
          INSERT INTO mpp_ledger_buckets (scope, unit, second, amount)
            SELECT k, p_unit, t.s, p_amount FROM unnest(p_keys) AS k CROSS JOIN (VALUES (p_second), (-1::bigint)) AS t(s)
            ON CONFLICT (scope, unit, second) DO UPDATE SET amount = mpp_ledger_buckets.amount + excluded.amount;
        END $$
        """;

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

        var (sql, values) = LockSeriesStatement(unit, scopes);
        await session.ExecuteAsync(sql, cancellationToken, values).ConfigureAwait(false);
    }

    public override bool Pipelines => true;

    /// <summary>
    /// Creates the missing lifetime rows (second -1) of the series and locks them all, in the sorted order of the array (the
    /// same for every caller). Under SERIALIZABLE it only creates them (the lock is the no-op update's).
    /// </summary>
    public override (string Sql, object?[] Values) LockSeriesStatement(string unit, IReadOnlyList<string> scopes) =>
        ("INSERT INTO mpp_ledger_buckets (scope, unit, second, amount) SELECT s, @p1, -1, 0 FROM unnest(@p0::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n ON CONFLICT (scope, unit, second) DO " +
            (_serializable ? "NOTHING" : "UPDATE SET amount = mpp_ledger_buckets.amount"), [scopes as string[] ?? [.. scopes], unit]);

    public override async ValueTask LockSchemaAsync(SqlSession session, CancellationToken cancellationToken) =>
        await session.ScalarAsync("SELECT pg_advisory_xact_lock(@p0)", cancellationToken, SchemaLockKey).ConfigureAwait(false);

    public override (string Sql, object?[] Values, int[] Positions) ReserveCall(
        LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, IReadOnlyList<string> keys, DateTimeOffset now, TimeSpan lease)
    {
        // Only the limits in the charge's unit are checked; their positions map back to the caller's list.
        var positions = new List<int>(limits.Count);
        for (var i = 0; i < limits.Count; i++)
        {
            if (string.Equals(limits[i].Unit, charge.Unit, StringComparison.Ordinal))
            {
                positions.Add(i);
            }
        }

        var scopes = positions.Select(i => SeriesKeys.Of(limits[i].Scope)).ToArray();
        var windows = positions.Select(i => limits[i].Window is { } w ? Math.Max(1, (long)Math.Ceiling(w.TotalSeconds)) : -1L).ToArray();
        var caps = positions.Select(i => limits[i].Cap).ToArray();
        var second = now.ToUnixTimeSeconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        return ("SELECT refused, spent FROM mpp_ledger_reserve(@p0::uuid, @p1::text, @p2::text, @p3::numeric, @p4::bigint, @p5::bigint, @p6::text, @p7::text, @p8::text, @p9::text, @p10::integer, @p11::uuid, @p12::text[], @p13::text, @p14::bigint, @p15::text[], @p16::bigint[], @p17::numeric[])",
            [charge.Id, charge.Unit, charge.Host, charge.Amount, nowMs, nowMs + (long)lease.TotalMilliseconds, charge.Description, charge.Method, charge.Intent,
                charge.ChallengeId, (int)charge.Kind, charge.ParentId, keys as string[] ?? [.. keys], EntrySegments.Of(second, charge.Amount).ToString(), second,
                scopes, windows, caps],
            [.. positions]);
    }

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

        public override async Task<(List<object?[]> Rows, int[] Changed)> PipelineAsync(IReadOnlyList<(string Sql, object?[] Values)> statements, CancellationToken cancellationToken)
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var (sql, values) in statements)
                {
                    var command = new NpgsqlBatchCommand(sql);
                    for (var i = 0; i < values.Length; i++)
                    {
                        command.Parameters.Add(new NpgsqlParameter("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), values[i] ?? DBNull.Value));
                    }

                    batch.BatchCommands.Add(command);
                }

                var rows = new List<object?[]>();
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    do
                    {
                        if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var row = new object?[reader.FieldCount];
                            reader.GetValues(row!);
                            rows.Add(row);
                        }
                    }
                    while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                }

                var changed = new int[batch.BatchCommands.Count];
                for (var i = 0; i < changed.Length; i++)
                {
                    changed[i] = batch.BatchCommands[i].RecordsAffected;
                }

                return (rows, changed);
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
