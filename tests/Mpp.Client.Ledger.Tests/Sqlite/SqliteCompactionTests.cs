using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger.Sqlite;

namespace Mpp.Client.Ledger.Tests.Sqlite;

/// <summary>The file does not grow without bound: old buckets and final entries leave, the lifetime totals stay.</summary>
public sealed class SqliteCompactionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Old_buckets_and_final_entries_are_compacted_into_totals_that_caps_keep_counting()
    {
        var file = _folder.File("compact.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var day = new SpendingLimit("PerDay", "usd", 100m, TimeSpan.FromDays(1));
        var lifetime = new SpendingLimit("Lifetime", "usd", 1.00m, null);
        var pending = new LedgerCharge("usd", 0.05m, "h");
        await using (var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file, Retention = TimeSpan.FromDays(7) }, clock))
        {
            for (var i = 0; i < 30; i++)
            {
                var charge = new LedgerCharge("usd", 0.01m, "h");
                Assert.True((await ledger.ReserveAsync(charge, [day, lifetime], default)).Succeeded);
                await ledger.CompleteAsync(charge.Id, LedgerOutcome.Settled, null, null, default);
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            await ledger.ReserveAsync(pending, [day, lifetime], default);
            await ledger.MarkSentAsync(pending.Id, "0xpending", default);
        }

        Assert.Equal(31, await CountAsync(file, "SELECT COUNT(*) FROM mpp_ledger_entries"));
        Assert.True(await CountAsync(file, "SELECT COUNT(*) FROM mpp_ledger_buckets WHERE second >= 0") >= 31);

        clock.Advance(TimeSpan.FromDays(8)); // past the retention of final entries and every window in use (1 day)
        await using (var reopened = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file, Retention = TimeSpan.FromDays(7) }, clock))
        {
            await reopened.InitializeAsync(); // compacts on open
            Assert.Equal(1, await CountAsync(file, "SELECT COUNT(*) FROM mpp_ledger_entries")); // the sent one stays until resolved
            Assert.Equal(0, await CountAsync(file, "SELECT COUNT(*) FROM mpp_ledger_buckets WHERE second >= 0"));
            var usage = await reopened.GetUsageAsync("usd", null, null, default);
            Assert.Equal(new LedgerUsage(0.05m, 0.30m), usage);
            var refused = await reopened.ReserveAsync(new LedgerCharge("usd", 0.70m, "h"), [day, lifetime], default);
            Assert.Same(lifetime, refused.RefusedBy);
            Assert.Equal(0.35m, refused.SpentInWindow);
            Assert.Equal(0m, (await reopened.GetUsageAsync("usd", null, TimeSpan.FromDays(1), default)).Total);
        }
    }

    public void Dispose() => _folder.Dispose();

    private static async Task<long> CountAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
