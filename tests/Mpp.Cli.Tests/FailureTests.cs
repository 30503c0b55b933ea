using System.Text.Json.Nodes;
using Mpp.Cli.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Cli.Tests;

/// <summary>Every way <c>mpp</c> can fail: one line on stderr, no stack trace, no secret, and its documented exit code.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("ftp://127.0.0.1/file")]
    public async Task A_bad_url_is_a_usage_error(string url)
    {
        var result = await _world.RunAsync(url);

        AssertOneLine(result, 2, "is not an http(s) URL");
    }

    [Fact]
    public async Task Unknown_options_and_bad_amounts_are_usage_errors()
    {
        var unknown = await _world.RunAsync(_world.Url("/free"), "--no-such-option");
        var amount = await _world.RunAsync(_world.Url("/free"), "--max", "ten dollars");
        var header = await _world.RunAsync(_world.Url("/free"), "-H", "sk_live_pasted-without-a-name");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--no-such-option", unknown.Stderr, StringComparison.Ordinal);
        AssertOneLine(amount, 2, "--max: 'ten dollars' is not an amount with a unit");
        AssertOneLine(header, 2, "-H number 1 is not a header");
        Assert.DoesNotContain("sk_live_pasted", header.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_wallet_setting_is_a_configuration_error_that_never_echoes_the_key()
    {
        var config = _world.DefaultConfig();
        config["Mpp"]!["Tempo"]!["PrivateKey"] = "0xnot-a-key-but-still-a-secret";
        _world.WriteConfig(config);

        var result = await _world.RunAsync(_world.Url("/quotes"));

        AssertOneLine(result, 3, "The configuration is not valid");
        Assert.Contains("PrivateKey", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key-but-still-a-secret", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task An_unreadable_configuration_file_is_a_configuration_error()
    {
        await File.WriteAllTextAsync(Path.Combine(_world.WorkDir, "appsettings.json"), "{ \"Mpp\": { \"Budget\": ");

        var result = await _world.RunAsync(_world.Url("/free"));
        var missing = await _world.RunAsync(_world.Url("/free"), "--config", "nowhere.json");

        AssertOneLine(result, 3, "Cannot read the configuration");
        AssertOneLine(missing, 3, "--config: nowhere.json does not exist");
    }

    [Fact]
    public async Task Environment_variables_override_the_file_as_in_any_dotnet_app()
    {
        var env = new Dictionary<string, string> { ["Mpp__Budget__PerRequest__usd"] = "0.01" };

        var result = await _world.RunWithAsync(env, null, _world.Url("/quotes"));

        AssertOneLine(result, 4, "not paid (BudgetExceeded)");
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task A_server_that_keeps_rejecting_the_payment_is_exit_5()
    {
        _world.Server.MapPaid("/picky", new PaidRouteOptions { Prices = [CliWorld.Tempo("10000", "Picky")], ForcedVerificationFailures = 10 });

        var result = await _world.RunAsync(_world.Url("/picky"));

        AssertOneLine(result, 5, "mpp: payment rejected (");
    }

    [Fact]
    public async Task An_unreachable_server_is_a_network_error()
    {
        var result = await _world.RunAsync("http://127.0.0.1:1/paid");

        AssertOneLine(result, 7, "mpp: cannot reach http://127.0.0.1:1");
    }

    [Fact]
    public async Task Fail_turns_an_http_error_into_exit_22_without_the_body()
    {
        var result = await _world.RunAsync(_world.Url("/nothing-here"), "--fail");

        Assert.Equal(22, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Confirm_above_without_a_terminal_refuses_before_anything_is_signed()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"), "--confirm-above", "0.01usd");

        AssertOneLine(result, 4, "no terminal to confirm on");
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task Confirm_above_below_the_threshold_pays_without_asking()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"), "--confirm-above", "1usd");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(_world.Server.Payments);
    }

    [Theory]
    [InlineData("y", 0, 1)]
    [InlineData("n", 4, 0)]
    public async Task Confirm_above_asks_on_the_terminal(string answer, int exit, int payments)
    {
        var result = await _world.RunInTerminalAsync("[y/n]", answer + "\r", _world.Url("/quotes"), "--confirm-above", "0.01usd");

        Assert.True(result.ExitCode == exit, result.ToString());
        Assert.Contains("Pay 0.05 usd", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(payments, _world.Server.Payments.Count);
    }

    private static void AssertOneLine(CliResult result, int exit, string text)
    {
        Assert.True(result.ExitCode == exit, result.ToString());
        var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(text, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
