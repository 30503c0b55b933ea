using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Mpp.Client.Ledger.Sql;

namespace Mpp.Client.Ledger.Sqlite.Internal;

/// <summary>
/// One SQLite file in WAL mode, one connection per ledger: a write session is a <c>BEGIN IMMEDIATE</c> transaction
/// (the file's write lock, which serializes writers of every process on the host), reads see one snapshot. Amounts are
/// decimal text, added and summed exactly by the functions <c>mpp_add</c> and <c>mpp_sum</c> registered on the connection.
/// </summary>
internal sealed class SqliteStore(string path) : SqlStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    public override string Describe => $"SQLite ledger at {path}";

    public override int SchemaVersion => 2;

    public override string InsertionOrder => "id"; // entries without a rowid: equal creation times list in id order

    public override string ForUpdate => string.Empty; // BEGIN IMMEDIATE already holds the write lock

    public override IReadOnlyList<string> Migration(int version) => version switch
    {
        1 =>
        [
            """
            CREATE TABLE mpp_ledger_entries (
              id BLOB NOT NULL PRIMARY KEY, unit TEXT NOT NULL, host TEXT NOT NULL, amount TEXT NOT NULL, state INTEGER NOT NULL,
              created_ms INTEGER NOT NULL, updated_ms INTEGER, lease_ms INTEGER NOT NULL, wallet_reference TEXT, reference TEXT,
              description TEXT, method TEXT, intent TEXT, challenge_id TEXT, kind INTEGER NOT NULL, parent_id BLOB,
              scopes TEXT NOT NULL, segments TEXT NOT NULL, charge_amount TEXT NOT NULL) WITHOUT ROWID
            """,
            "CREATE INDEX mpp_ledger_entries_open ON mpp_ledger_entries (state, lease_ms) WHERE state < 3",
            "CREATE TABLE mpp_ledger_buckets (scope TEXT NOT NULL, unit TEXT NOT NULL, second INTEGER NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (scope, unit, second)) WITHOUT ROWID",
            "CREATE TABLE mpp_ledger_windows (seconds INTEGER NOT NULL PRIMARY KEY)",
        ],
        2 => ["CREATE TABLE mpp_wallet_state (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID"],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    public override string Add(string left, string right) => $"mpp_add({left}, {right})";

    public override string Sum(string column) => $"mpp_sum({column})";

    public override object Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public override string ScopeRows(string parameter) => $"json_each({parameter})";

    public override object ScopeList(IReadOnlyList<string> keys)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var key in keys)
            {
                json.WriteStringValue(key);
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override decimal ReadAmount(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0m : Parse(reader.GetString(ordinal));

    public override bool IsStoreFailure(Exception exception) => base.IsStoreFailure(exception) || exception is UnauthorizedAccessException;

    public override async ValueTask<SqlSession> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _ = _connection ?? Open();

            // BEGIN IMMEDIATE takes the file's write lock now (waiting up to busy_timeout for another process); BEGIN (deferred)
            // reads one snapshot. Run as cached statements: SqliteTransaction would prepare BEGIN and COMMIT anew each time.
            Cached(write ? "BEGIN IMMEDIATE" : "BEGIN", 0).ExecuteNonQuery();
            return new Session(this);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    public override ValueTask LockSeriesAsync(SqlSession session, string unit, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask; // the write session holds the file's write lock

    public override ValueTask LockSchemaAsync(SqlSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            _commands.Clear();
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    private SqliteConnection Open()
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            connection.CreateFunction<string?, string?, string?>("mpp_add",
                static (a, b) => (Parse(a ?? "0") + Parse(b ?? "0")).ToString(CultureInfo.InvariantCulture), isDeterministic: true);
            connection.CreateAggregate<string?, decimal, string>("mpp_sum", 0m,
                static (sum, value) => value is null ? sum : sum + Parse(value), static sum => sum.ToString(CultureInfo.InvariantCulture), isDeterministic: true);
            using (var pragma = connection.CreateCommand())
            {
                // WAL: readers never block the writer; NORMAL: a commit survives the process dying (SIGKILL), and only the
                // last commits can be lost if the machine itself loses power. busy_timeout: wait for another process's lock.
                pragma.CommandText = "PRAGMA busy_timeout = 30000;";
                pragma.ExecuteNonQuery();
                pragma.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = pragma.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new LedgerStoreException(MppErrorCode.LedgerUnavailable,
                        $"The {Describe} cannot use write-ahead logging (journal mode '{mode}'); put the file on a local file system.");
                }

                pragma.CommandText = "PRAGMA synchronous = NORMAL;";
                pragma.ExecuteNonQuery();
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        return connection;
    }

    private SqliteCommand Cached(string sql, int parameterCount)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection!.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameterCount; i++)
            {
                command.Parameters.Add(new SqliteParameter("@p" + i.ToString(CultureInfo.InvariantCulture), null));
            }

            if (_commands.Count < 256)
            {
                _commands.Add(sql, command); // list queries vary; the fixed statements are far fewer
            }
        }

        return command;
    }

    private sealed class Session(SqliteStore store) : SqlSession
    {
        private bool _done;

        protected override ValueTask CommitCoreAsync(CancellationToken cancellationToken)
        {
            store.Cached("COMMIT", 0).ExecuteNonQuery();
            _done = true;
            return ValueTask.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            try
            {
                if (!_done)
                {
                    store.Cached("ROLLBACK", 0).ExecuteNonQuery();
                }
            }
            catch (SqliteException)
            {
                // SQLite already rolled back (an error that ends the transaction): the error that ended it is the one to report.
            }
            finally
            {
                store._gate.Release();
            }

            return ValueTask.CompletedTask;
        }

        protected override DbCommand Command(string sql, int parameterCount) => store.Cached(sql, parameterCount);
    }
}
