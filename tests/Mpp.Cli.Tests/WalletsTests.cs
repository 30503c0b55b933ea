using Mpp.Cli.Tests.Support;

namespace Mpp.Cli.Tests;

/// <summary><c>mpp wallets</c>: what is configured, checked against the real (fake) nodes, without a secret.</summary>
public sealed class WalletsTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Wallets_shows_the_address_balances_and_modes_but_no_key()
    {
        var result = await _world.RunAsync("wallets");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("tempo (chain 42431)", StringComparison.Ordinal) && r.Contains(_world.Payer, StringComparison.Ordinal)
            && r.Contains("node ok; 5 pathUSD, 0 USDC.e", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("stripe", StringComparison.Ordinal) && r.Contains("test mode", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("ledger", StringComparison.Ordinal) && r.Contains("ledger.db", StringComparison.Ordinal));
        Assert.DoesNotContain(_world.PrivateKey[2..], result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_world.Stripe.SecretKey, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_x402_wallet_is_wired_from_its_section()
    {
        var config = _world.DefaultConfig();
        config["Mpp"]!["X402"] = new System.Text.Json.Nodes.JsonObject
        {
            ["PrivateKey"] = _world.PrivateKey,
            ["Networks"] = new System.Text.Json.Nodes.JsonArray("eip155:84532"),
        };
        _world.WriteConfig(config);

        var result = await _world.RunAsync("wallets");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.Stdout.Split('\n'), r => r.Contains("x402", StringComparison.Ordinal) && r.Contains("eip155:84532", StringComparison.Ordinal));
        Assert.DoesNotContain(_world.PrivateKey[2..], result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unreachable_node_is_reported_without_its_url_and_exits_7()
    {
        var config = _world.DefaultConfig();
        config["Mpp"]!["Tempo"]!["Rpc"]!["42431"] = "http://127.0.0.1:1/node-api-key-123";
        config["Mpp"]!["Tempo"]!["RpcRetries"] = 0;
        _world.WriteConfig(config);

        var result = await _world.RunAsync("wallets");

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Contains("node unreachable", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("node-api-key-123", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
