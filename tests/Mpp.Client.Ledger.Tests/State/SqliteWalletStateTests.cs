using Microsoft.Data.Sqlite;
using Mpp.Client.Ledger.Sqlite;

namespace Mpp.Client.Ledger.Tests.State;

/// <summary><see cref="WalletStateContract"/> on a SQLite file.</summary>
public sealed class SqliteWalletStateTests : WalletStateContract, IDisposable
{
    private readonly TempFolder _folder = new();

    private string File => _folder.File("state.db");

    protected override async Task<IWalletStateStore> OpenAsync()
    {
        var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = File });
        await ledger.InitializeAsync();
        return ledger;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _folder.Dispose();
}
