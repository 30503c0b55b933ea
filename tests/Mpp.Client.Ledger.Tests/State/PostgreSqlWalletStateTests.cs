using Mpp.Client.Ledger.PostgreSql;
using Mpp.Client.Ledger.Tests.PostgreSql;
using Npgsql;

namespace Mpp.Client.Ledger.Tests.State;

/// <summary><see cref="WalletStateContract"/> on a database of a throwaway PostgreSQL cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlWalletStateTests(PostgresFixture postgres) : WalletStateContract
{
    private string? _database;

    protected override async Task<IWalletStateStore> OpenAsync()
    {
        _database ??= await postgres.NewDatabaseAsync();
        var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = _database });
        await ledger.InitializeAsync();
        return ledger;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
