using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests.Sqlite;

/// <summary>Separate OS processes (tests/Mpp.Client.Ledger.TestAgent) sharing one SQLite file.</summary>
public sealed class SqliteProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Four_processes_paying_250_requests_each_never_exceed_one_cap_and_read_the_same_budget()
    {
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("1")); // 0.01 usd
        var file = _folder.File("shared.db");
        var agents = Enumerable.Range(0, 4).Select(_ => Agent.Start("pay", "Sqlite", file, server.Url("/paid").ToString(), "250", "5")).ToList();
        try
        {
            var done = await Task.WhenAll(agents.Select(a => a.ReadAsync("DONE")));
            var paid = done.Sum(d => int.Parse(d[0], CultureInfo.InvariantCulture));
            var refused = done.Sum(d => int.Parse(d[1], CultureInfo.InvariantCulture));
            Assert.Equal(0, done.Sum(d => int.Parse(d[2], CultureInfo.InvariantCulture)));
            Assert.Equal(500, paid); // 5 usd / 0.01: exactly the cap, never more
            Assert.Equal(500, refused);
            Assert.Equal(500, server.Payments.Count);

            foreach (var a in agents)
            {
                await a.WriteAsync("READ");
            }

            var counted = await Task.WhenAll(agents.Select(a => a.ReadAsync("COUNTED")));
            Assert.All(counted, c => Assert.Equal(5.00m, decimal.Parse(c[0], CultureInfo.InvariantCulture)));
            Assert.All(agents, a => Assert.Equal(0, a.ExitAsync().GetAwaiter().GetResult()));

            await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file });
            var usage = await ledger.GetUsageAsync("usd", null, TimeSpan.FromDays(1), default);
            Assert.Equal(server.Payments.Sum(p => decimal.Parse(p.Amount, CultureInfo.InvariantCulture)) / 100m, usage.Spent);
            Assert.Equal(0m, usage.Locked);
        }
        finally
        {
            agents.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public async Task A_process_killed_after_sending_leaves_its_amount_counted_and_reported_pending_after_restart()
    {
        var file = _folder.File("killed-sent.db");
        using var agent = Agent.Start("hold", "Sqlite", file, "sent");
        var id = Guid.ParseExact((await agent.ReadAsync("HELD"))[0], "N");
        await agent.KillAsync();

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(3)); // long past any lease
        await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file }, clock);
        await ledger.InitializeAsync();
        var pending = Assert.Single(ledger.PendingAtStart);
        Assert.Equal(id, pending.Id);
        Assert.Equal(LedgerEntryState.Sent, pending.State);
        Assert.Equal("0xheld", pending.WalletReference);
        Assert.Equal(0.25m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
    }

    [Fact]
    public async Task A_process_killed_before_sending_holds_its_reservation_until_the_lease_runs_out()
    {
        var file = _folder.File("killed-reserved.db");
        using var agent = Agent.Start("hold", "Sqlite", file, "reserved");
        var id = Guid.ParseExact((await agent.ReadAsync("HELD"))[0], "N");
        await agent.KillAsync();

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file }, clock); // the default lease: 15 minutes
        await ledger.InitializeAsync();
        Assert.Empty(ledger.PendingAtStart); // never sent: nothing to reconcile
        Assert.Equal(0.25m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(0m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
        var entry = Assert.Single(await ledger.ListAsync(new LedgerQuery(), default).ToListAsync());
        Assert.Equal((id, LedgerEntryState.Released), (entry.Id, entry.State));
    }

    public void Dispose() => _folder.Dispose();
}
