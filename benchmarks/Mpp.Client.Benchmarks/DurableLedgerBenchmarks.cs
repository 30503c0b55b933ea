using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Mpp.Client.Ledger;
using Mpp.Client.Ledger.PostgreSql;
using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Ledger.Tests.PostgreSql;
using Npgsql;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// Reserve + complete(Settled) per second on the durable ledgers, 1 and 8 concurrent callers, each beside a bare
/// single-row transaction on the same database in the same run (BEGIN; INSERT a row; UPDATE it; COMMIT): SQLite on a file
/// (WAL, synchronous NORMAL, as the ledger opens it), PostgreSQL on loopback (a throwaway cluster with the server's
/// default durability: fsync and synchronous_commit on). The in-memory ledger is measured beside them for scale.
/// Times are per reserve+settle pair (per bare transaction). A reserve and a settle are two commits by design (the reserve
/// must be durable before the credential leaves), so each store also runs the bare INSERT and UPDATE as two transactions.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DurableLedgerBenchmarks
{
    private const int Operations = 48; // divisible by 1 and 8 callers
    private static readonly SpendingLimit[] Caps = [new("Budget.PerDay", "usd", decimal.MaxValue / 4, TimeSpan.FromDays(1))];

    private string _folder = null!;
    private PostgresCluster _postgres = null!;
    private NpgsqlDataSource _bare = null!;
    private SqliteConnection[] _sqlite = null!;
    private SqlitePaymentLedger _sqliteLedger = null!;
    private PostgreSqlPaymentLedger _postgresLedger = null!;
    private InMemoryPaymentLedger _memory = null!;
    private PostgreSqlPaymentLedger[] _rowLocks = null!;
    private PostgreSqlPaymentLedger[] _serializable = null!;
    private long _ids;

    [Params(1, 8)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("mpp-ledger-bench-").FullName;
        _memory = new InMemoryPaymentLedger();
        _sqliteLedger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = Path.Combine(_folder, "ledger.db") });
        await _sqliteLedger.InitializeAsync();
        _sqlite = new SqliteConnection[8];
        for (var i = 0; i < _sqlite.Length; i++)
        {
            _sqlite[i] = new SqliteConnection($"Data Source={Path.Combine(_folder, "bare.db")};Pooling=False");
            _sqlite[i].Open();
            Execute(_sqlite[i], "PRAGMA busy_timeout = 30000");
            Execute(_sqlite[i], "PRAGMA journal_mode = WAL");
            Execute(_sqlite[i], "PRAGMA synchronous = NORMAL");
        }

        Execute(_sqlite[0], "CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, amount TEXT NOT NULL, state INTEGER NOT NULL)");

        _postgres = await PostgresCluster.StartAsync(durable: true);
        _postgresLedger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = _postgres.ConnectionString() });
        await _postgresLedger.InitializeAsync();
        // Four ledgers on one database stand for four processes: row locks (the default) against SERIALIZABLE with retry.
        _rowLocks = await FourLedgersAsync("rowlocks", serializable: false);
        _serializable = await FourLedgersAsync("serializable", serializable: true);
        _bare = new NpgsqlDataSourceBuilder(_postgres.ConnectionString() + ";Max Auto Prepare=8").Build();
        await using var create = _bare.CreateCommand("CREATE TABLE bare (id bigint PRIMARY KEY, amount numeric NOT NULL, state integer NOT NULL)");
        await create.ExecuteNonQueryAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        // How often each strategy had to run a transaction again: PostgreSQL counts the rolled-back ones per database.
        await using (var stats = _bare.CreateCommand("SELECT datname, xact_commit, xact_rollback FROM pg_stat_database WHERE datname IN ('rowlocks', 'serializable') ORDER BY datname"))
        await using (var reader = await stats.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"// pg_stat_database {reader.GetString(0)} (callers {Callers}): {reader.GetInt64(1)} committed, {reader.GetInt64(2)} rolled back");
            }
        }

        await _sqliteLedger.DisposeAsync();
        foreach (var c in _sqlite)
        {
            await c.DisposeAsync();
        }

        await _postgresLedger.DisposeAsync();
        foreach (var l in _rowLocks.Concat(_serializable))
        {
            await l.DisposeAsync();
        }

        await _bare.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("InMemory")]
    public Task InMemoryReserveSettle() => RunAsync(_ => PairAsync(_memory));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Sqlite")]
    public Task SqliteBareInsertUpdate() => RunAsync(c => { SqliteBare(_sqlite[c]); return Task.CompletedTask; });

    /// <summary>The ledger's commit structure without its bookkeeping: the INSERT committed, then the UPDATE committed.</summary>
    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Sqlite")]
    public Task SqliteBareInsertThenUpdate() => RunAsync(c => { SqliteBareTwoTransactions(_sqlite[c]); return Task.CompletedTask; });

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Sqlite")]
    public Task SqliteReserveSettle() => RunAsync(_ => PairAsync(_sqliteLedger));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("PostgreSql")]
    public Task PostgreSqlBareInsertUpdate() => RunAsync(_ => PostgresBareAsync());

    /// <summary>The ledger's commit structure without its bookkeeping: the INSERT committed, then the UPDATE committed.</summary>
    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("PostgreSql")]
    public Task PostgreSqlBareInsertThenUpdate() => RunAsync(_ => PostgresBareTwoTransactionsAsync());

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("PostgreSql")]
    public Task PostgreSqlReserveSettle() => RunAsync(_ => PairAsync(_postgresLedger));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("PostgreSqlFourLedgers")]
    public Task PostgreSqlFourLedgersRowLocks() => RunAsync(c => PairAsync(_rowLocks[c % 4]));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("PostgreSqlFourLedgers")]
    public Task PostgreSqlFourLedgersSerializable() => RunAsync(c => PairAsync(_serializable[c % 4]));

    private async Task<PostgreSqlPaymentLedger[]> FourLedgersAsync(string database, bool serializable)
    {
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var options = new PostgreSqlLedgerOptions { ConnectionString = _postgres.ConnectionString(database) };
        var ledgers = Enumerable.Range(0, 4).Select(_ => new PostgreSqlPaymentLedger(options, serializable)).ToArray();
        foreach (var l in ledgers)
        {
            await l.InitializeAsync();
        }

        return ledgers;
    }

    /// <summary><see cref="Callers"/> concurrent callers, <see cref="Operations"/> operations in all (time is per operation).</summary>
    private async Task RunAsync(Func<int, Task> operation)
    {
        var each = Operations / Callers;
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            var caller = c;
            callers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < each; i++)
                {
                    await operation(caller);
                }
            });
        }

        await Task.WhenAll(callers);
    }

    private async Task PairAsync(IPaymentLedger ledger)
    {
        var r = await ledger.ReserveAsync(new LedgerCharge("usd", 0.01m, "api.example.com") { Id = new Guid(0x4d505043, 0, 0, BitConverter.GetBytes(Interlocked.Increment(ref _ids))) }, Caps, default);
        if (!r.Succeeded)
        {
            throw new InvalidOperationException("A reservation under a huge cap was refused.");
        }

        await ledger.CompleteAsync(r.Id, LedgerOutcome.Settled, null, null, default);
    }

    private void SqliteBare(SqliteConnection connection)
    {
        var id = Interlocked.Increment(ref _ids);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO bare (id, amount, state) VALUES ($id, '0.01', 0)";
        insert.Parameters.AddWithValue("$id", id);
        insert.ExecuteNonQuery();
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE bare SET state = 3 WHERE id = $id";
        update.Parameters.AddWithValue("$id", id);
        update.ExecuteNonQuery();
        transaction.Commit();
    }

    private void SqliteBareTwoTransactions(SqliteConnection connection)
    {
        var id = Interlocked.Increment(ref _ids);
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO bare (id, amount, state) VALUES ($id, '0.01', 0)";
            insert.Parameters.AddWithValue("$id", id);
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE bare SET state = 3 WHERE id = $id";
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private async Task PostgresBareTwoTransactionsAsync()
    {
        var id = Interlocked.Increment(ref _ids);
        await using (var connection = await _bare.OpenConnectionAsync())
        {
            await using var insert = new NpgsqlCommand("INSERT INTO bare (id, amount, state) VALUES (@id, 0.01, 0)", connection);
            insert.Parameters.AddWithValue("id", id);
            await insert.ExecuteNonQueryAsync();
        }

        await using (var connection = await _bare.OpenConnectionAsync())
        {
            await using var update = new NpgsqlCommand("UPDATE bare SET state = 3 WHERE id = @id", connection);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync();
        }
    }

    private async Task PostgresBareAsync()
    {
        var id = Interlocked.Increment(ref _ids);
        await using var connection = await _bare.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO bare (id, amount, state) VALUES (@id, 0.01, 0)", connection, transaction);
        insert.Parameters.AddWithValue("id", id);
        await insert.ExecuteNonQueryAsync();
        await using var update = new NpgsqlCommand("UPDATE bare SET state = 3 WHERE id = @id", connection, transaction);
        update.Parameters.AddWithValue("id", id);
        await update.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
