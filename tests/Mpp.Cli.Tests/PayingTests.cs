using System.Text.Json;
using Mpp.Cli.Tests.Support;
using Mpp.Client.Tempo;

namespace Mpp.Cli.Tests;

/// <summary><c>mpp &lt;url&gt;</c> run as a real process against a real loopback server, paying on the fake rails.</summary>
public sealed class PayingTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_free_url_prints_its_body_and_no_summary()
    {
        var result = await _world.RunAsync(_world.Url("/free"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("free for all", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task A_paid_url_is_paid_on_Tempo_with_the_body_on_stdout_and_a_summary_on_stderr()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"paid":true,"path":"/quotes"}""", result.Stdout);
        var summary = Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("mpp: paid 0.05 usd", summary, StringComparison.Ordinal);
        Assert.Contains("tempo/charge", summary, StringComparison.Ordinal);
        Assert.Contains(" usd left (PerDay, per day)", summary, StringComparison.Ordinal);
        Assert.Single(_world.Server.Payments);
        Assert.Equal(50_000, (long)_world.Chain.BalanceOf(TempoChains.PathUsd, CliWorld.Payee));
    }

    [Fact]
    public async Task A_card_payment_goes_through_Stripe_in_test_mode()
    {
        var result = await _world.RunAsync(_world.Url("/news"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("stripe/charge", result.Stderr, StringComparison.Ordinal);
        Assert.Single(_world.Stripe.PaymentIntents);
    }

    [Fact]
    public async Task The_budget_is_kept_between_runs_in_the_durable_ledger()
    {
        var first = await _world.RunAsync(_world.Url("/report"));
        var second = await _world.RunAsync(_world.Url("/report"));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 4, second.ToString());
        Assert.Contains("not paid (BudgetExceeded)", second.Stderr, StringComparison.Ordinal);
        Assert.Single(_world.Server.Payments);
        Assert.True(File.Exists(Path.Combine(_world.Home, ".local", "share", "mpp", "ledger.db")));
    }

    [Fact]
    public async Task Max_below_the_price_refuses_and_pays_nothing()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"), "--max", "0.01usd");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.StartsWith("mpp: not paid (", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_world.Server.Payments);
        Assert.Equal(0, (long)_world.Chain.BalanceOf(TempoChains.PathUsd, CliWorld.Payee));
    }

    [Fact]
    public async Task Json_describes_the_payment_for_scripts()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"), "--json", "-s");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        Assert.Equal("""{"paid":true,"path":"/quotes"}""", root.GetProperty("body").GetString());
        var payment = root.GetProperty("payment");
        Assert.Equal("paid", payment.GetProperty("outcome").GetString());
        Assert.Equal("50000", payment.GetProperty("quote").GetProperty("baseUnits").GetString());
        Assert.Equal(0.05m, payment.GetProperty("quote").GetProperty("amount").GetDecimal());
        Assert.Equal(_world.Server.Payments[0].Reference, payment.GetProperty("receipt").GetProperty("reference").GetString());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Quote_lists_every_challenge_and_pays_nothing()
    {
        _world.Server.MapPaid("/both", CliWorld.Tempo("20000", "Either"), new Client.Testing.PriceOption("2") { Method = "stripe", Recipient = null });

        var result = await _world.RunAsync(_world.Url("/both"), "--quote", "--max", "0.05usd");
        var json = await _world.RunAsync(_world.Url("/both"), "--quote", "--json", "--max", "0.01usd");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("tempo/charge", StringComparison.Ordinal) && r.Contains("0.02 usd", StringComparison.Ordinal)
            && r.Contains("20000 0x20c0", StringComparison.Ordinal) && r.Contains(CliWorld.Payee, StringComparison.Ordinal) && r.Contains("yes", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("stripe/charge", StringComparison.Ordinal) && r.Contains("0.02 usd", StringComparison.Ordinal) && r.Contains("yes", StringComparison.Ordinal));
        Assert.Single(rows, r => r.Contains("yes (best)", StringComparison.Ordinal));

        // Above --max: both refused, each with why, nothing paid, exit 4.
        Assert.True(json.ExitCode == 4, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        var payment = doc.RootElement.GetProperty("payment");
        Assert.Equal("refused", payment.GetProperty("outcome").GetString());
        Assert.Empty(payment.GetProperty("payable").EnumerateArray());
        var rejected = payment.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Equal("BudgetExceeded", r.GetProperty("code").GetString()));
        Assert.All(rejected, r => Assert.Contains("0.01 usd", r.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task Verbose_shows_the_402_the_choice_and_the_receipt_but_never_a_secret()
    {
        var result = await _world.RunAsync(_world.Url("/quotes?api_key=query-secret"), "-v", "-H", "X-Api-Key: my-own-secret");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("< 402 Payment Required with 1 challenge(s)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* paying 0.05 usd", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("* receipt: success", result.Stderr, StringComparison.Ordinal);
        var all = result.Stdout + result.Stderr;
        Assert.DoesNotContain(_world.PrivateKey[2..], all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("my-own-secret", all, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("> GET " + _world.Url("/quotes") + "?…", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Payment eyJ", all, StringComparison.Ordinal);
        Assert.DoesNotContain(_world.Stripe.SecretKey, all, StringComparison.Ordinal);
    }
}
