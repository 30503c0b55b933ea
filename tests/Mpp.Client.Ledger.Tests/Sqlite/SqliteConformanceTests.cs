using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests.Sqlite;

public sealed class SqliteConformanceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqlitePaymentLedger> _opened = [];
    private int _files;

    [Fact]
    public async Task Keeps_the_rules_of_every_ledger() =>
        await LedgerConformance.VerifyAsync(clock => Open(NewFile(), clock, TimeSpan.FromDays(2))); // no lease runs out in these rules

    [Fact]
    public async Task Keeps_the_rules_of_a_durable_ledger() =>
        await LedgerConformance.VerifyDurableAsync(() =>
        {
            var file = NewFile();
            return (clock, lease) => Open(file, clock, lease);
        });

    public void Dispose()
    {
        foreach (var l in _opened)
        {
            l.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _folder.Dispose();
    }

    private string NewFile() => _folder.File($"ledger-{Interlocked.Increment(ref _files)}.db");

    private SqlitePaymentLedger Open(string file, TimeProvider clock, TimeSpan lease)
    {
        var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file, Lease = lease }, clock);
        lock (_opened)
        {
            _opened.Add(ledger);
        }

        return ledger;
    }
}
