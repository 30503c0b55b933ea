using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Ledger.PostgreSql;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests.PostgreSql;

/// <summary>Separate OS processes (tests/Mpp.Client.Ledger.TestAgent) sharing one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlProcessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Four_processes_paying_250_requests_each_never_exceed_one_cap_and_read_the_same_budget()
    {
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("1")); // 0.01 usd
        var database = await postgres.NewDatabaseAsync();
        var agents = Enumerable.Range(0, 4).Select(_ => Agent.Start("pay", "PostgreSql", database, server.Url("/paid").ToString(), "250", "5")).ToList();
        try
        {
            var done = await Task.WhenAll(agents.Select(a => a.ReadAsync("DONE")));
            Assert.Equal(0, done.Sum(d => int.Parse(d[2], CultureInfo.InvariantCulture)));
            Assert.Equal(500, done.Sum(d => int.Parse(d[0], CultureInfo.InvariantCulture))); // 5 usd / 0.01: exactly the cap
            Assert.Equal(500, done.Sum(d => int.Parse(d[1], CultureInfo.InvariantCulture)));
            Assert.Equal(500, server.Payments.Count);

            foreach (var a in agents)
            {
                await a.WriteAsync("READ");
            }

            var counted = await Task.WhenAll(agents.Select(a => a.ReadAsync("COUNTED")));
            Assert.All(counted, c => Assert.Equal(5.00m, decimal.Parse(c[0], CultureInfo.InvariantCulture)));

            await using var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = database });
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
        var database = await postgres.NewDatabaseAsync();
        using var agent = Agent.Start("hold", "PostgreSql", database, "sent");
        var id = Guid.ParseExact((await agent.ReadAsync("HELD"))[0], "N");
        await agent.KillAsync();

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(3));
        await using var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = database }, clock);
        await ledger.InitializeAsync();
        var pending = Assert.Single(ledger.PendingAtStart);
        Assert.Equal((id, LedgerEntryState.Sent, "0xheld"), (pending.Id, pending.State, pending.WalletReference));
        Assert.Equal(0.25m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
    }

    [Fact]
    public async Task A_process_killed_before_sending_holds_its_reservation_until_the_lease_runs_out()
    {
        var database = await postgres.NewDatabaseAsync();
        using var agent = Agent.Start("hold", "PostgreSql", database, "reserved");
        var id = Guid.ParseExact((await agent.ReadAsync("HELD"))[0], "N");
        await agent.KillAsync();

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = database }, clock);
        await ledger.InitializeAsync();
        Assert.Empty(ledger.PendingAtStart);
        Assert.Equal(0.25m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(0m, await ((IPaymentLedger)ledger).GetSpentAsync("usd", null, null, default));
        var entry = Assert.Single(await ledger.ListAsync(new LedgerQuery(), default).ToListAsync());
        Assert.Equal((id, LedgerEntryState.Released), (entry.Id, entry.State));
    }
}
