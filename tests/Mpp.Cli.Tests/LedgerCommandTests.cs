using System.Text.Json;
using Mpp.Cli.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Cli.Tests;

/// <summary><c>mpp budget</c> and <c>mpp pending</c> read the same durable ledger the paying runs wrote.</summary>
public sealed class LedgerCommandTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Budget_shows_what_earlier_runs_spent()
    {
        var paid = await _world.RunAsync(_world.Url("/quotes"));
        var table = await _world.RunAsync("budget");
        var json = await _world.RunAsync("budget", "--json");

        Assert.True(paid.ExitCode == 0, paid.ToString());
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(table.Stdout.Split('\n'), r => r.Contains("PerDay", StringComparison.Ordinal) && r.Contains("per day", StringComparison.Ordinal) && r.Contains("0.5", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json.Stdout);
        var day = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("cap").GetString() == "PerDay");
        var spent = day.GetProperty("spent").GetDecimal();
        Assert.InRange(spent, 0.05m, 0.051m); // the price, and the network fee the fake chain charged (none) or reserved
        Assert.Equal(0.50m - spent - day.GetProperty("locked").GetDecimal(), day.GetProperty("left").GetDecimal());
        Assert.Equal(86400, day.GetProperty("windowSeconds").GetInt64());
    }

    [Fact]
    public async Task An_unknown_Tempo_outcome_is_exit_6_and_is_settled_from_the_chain_on_the_next_run()
    {
        // The server broadcast the transfer, then failed: the wallet cannot know, the chain does.
        _world.Server.MapPaid("/flaky", new PaidRouteOptions { Prices = [CliWorld.Tempo("10000", "Flaky")], ForcedStatusAttempts = 100, ForcedStatusCode = 500 });

        var result = await _world.RunAsync(_world.Url("/flaky"));
        var pending = await _world.RunAsync("pending", "--json");
        var budget = await _world.RunAsync("budget", "--json");

        Assert.True(result.ExitCode == 6, result.ToString());
        Assert.Contains("money may have moved", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("mpp pending", result.Stderr, StringComparison.Ordinal);
        using var list = JsonDocument.Parse(pending.Stdout);
        Assert.Empty(list.RootElement.EnumerateArray());
        using var doc = JsonDocument.Parse(budget.Stdout);
        var day = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("cap").GetString() == "PerDay");
        Assert.Equal(0m, day.GetProperty("locked").GetDecimal());
        Assert.InRange(day.GetProperty("spent").GetDecimal(), 0.01m, 0.011m);
    }

    [Fact]
    public async Task An_unknown_card_payment_stays_pending_until_resolved_by_hand()
    {
        _world.Server.MapPaid("/flaky-card", new PaidRouteOptions { Prices = [new PriceOption("4") { Method = "stripe", Recipient = null }], ForcedStatusAttempts = 100, ForcedStatusCode = 500 });

        var result = await _world.RunAsync(_world.Url("/flaky-card"));
        var pending = await _world.RunAsync("pending", "--json");
        var table = await _world.RunAsync("pending");

        Assert.True(result.ExitCode == 6, result.ToString());
        using var doc = JsonDocument.Parse(pending.Stdout);
        var entry = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("stripe", entry.GetProperty("method").GetString());
        Assert.Equal(0.04m, entry.GetProperty("amount").GetDecimal());
        var id = entry.GetProperty("id").GetString()!;
        Assert.Contains(id, table.Stdout, StringComparison.Ordinal);

        var resolve = await _world.RunAsync("pending", "resolve", id, "--released");
        var after = await _world.RunAsync("pending");
        var again = await _world.RunAsync("pending", "resolve", id, "--settled");
        var neither = await _world.RunAsync("pending", "resolve", id);

        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        Assert.Contains("no pending payments", after.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is not a pending payment", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, neither.ExitCode);
    }
}
