using Mpp.Client.Ledger.PostgreSql;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests.PostgreSql;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlConformanceTests(PostgresFixture postgres) : IAsyncDisposable
{
    private readonly List<PostgreSqlPaymentLedger> _opened = [];

    [Fact]
    public async Task Keeps_the_rules_of_every_ledger()
    {
        // Every rule runs on a fresh store: one database each.
        var databases = new Queue<string>();
        for (var i = 0; i < 7; i++)
        {
            databases.Enqueue(await postgres.NewDatabaseAsync());
        }

        await LedgerConformance.VerifyAsync(clock => Open(databases.Dequeue(), clock, TimeSpan.FromDays(2)));
    }

    [Fact]
    public async Task Keeps_the_rules_of_a_durable_ledger()
    {
        var databases = new Queue<string>();
        for (var i = 0; i < 4; i++)
        {
            databases.Enqueue(await postgres.NewDatabaseAsync());
        }

        await LedgerConformance.VerifyDurableAsync(() =>
        {
            var database = databases.Dequeue();
            return (clock, lease) => Open(database, clock, lease);
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _opened)
        {
            await l.DisposeAsync();
        }
    }

    private PostgreSqlPaymentLedger Open(string connectionString, TimeProvider clock, TimeSpan lease)
    {
        var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = connectionString, Lease = lease }, clock);
        _opened.Add(ledger);
        return ledger;
    }
}
