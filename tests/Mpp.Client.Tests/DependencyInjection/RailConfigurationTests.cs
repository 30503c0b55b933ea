using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.DependencyInjection;

/// <summary>
/// A rail's view of the builder: it reads its own subsection of the section given to AddMpp, claims it so that the
/// unknown-key check accepts it, and adds the asset it pays in. <see cref="FakeRailExtensions.AddFakeRail"/> acts as
/// AddTempo() would.
/// </summary>
public sealed class RailConfigurationTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(FakeRailWallet.MethodId, c =>
            c.Payload.TryGetProperty("token", out var t) && t.GetString() == "rail-token"
                ? PaymentVerificationResult.Success()
                : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "not the rail's token")));
        _server.MapPaid("/paid", new PriceOption("2500", "fakecoin") { Method = FakeRailWallet.MethodId }); // 2.500 fun
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_rail_claims_its_section_reads_its_options_adds_an_asset_and_is_paid_in_that_unit()
    {
        using var host = await StartAsync(new()
        {
            ["Mpp:Budget:PerDay:fun"] = "10", // a unit only the rail's asset defines
            ["Mpp:FakeRail:Token"] = "rail-token",
            ["Mpp:FakeRail:Network:Chain"] = "42", // anything under the claimed section is the rail's business
        });
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        using var response = await http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var quote = response.GetPaymentOutcome()!.Quote!;
        Assert.Equal("fun", quote.Unit);
        Assert.Equal(2.5m, quote.DisplayAmount);
        Assert.Equal("42", host.Services.GetRequiredService<IOptions<FakeRailOptions>>().Value.Network.Chain);
        var budget = Assert.Single(await host.Services.GetRequiredService<SpendingPolicy>().GetBudgetAsync());
        Assert.Equal(("fun", 2.5m), (budget.Unit, budget.Spent));
    }

    [Fact]
    public async Task Configuration_under_Mpp_Assets_overrides_an_asset_a_rail_added()
    {
        using var host = await StartAsync(new()
        {
            ["Mpp:Budget:PerRequest:fun"] = "10",
            ["Mpp:Assets:fakecoin:Decimals"] = "2",
            ["Mpp:Assets:fakecoin:Unit"] = "fun",
            ["Mpp:FakeRail:Token"] = "rail-token",
        });
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        using var response = await http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode); // 2500 base units are now 25 fun, over the cap
        Assert.Contains(response.GetPaymentOutcome()!.Rejections, r => r.Reason.Contains("25.00 fun", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subsection_no_rail_claimed_fails_start_without_showing_its_values()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "10",
            ["Mpp:FakeRail:Token"] = "rail-token",
        });
        builder.Services.AddMpp(builder.Configuration.GetSection("Mpp")); // AddFakeRail() forgotten
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var error = Assert.Single(ex.Failures);
        Assert.StartsWith("Mpp:FakeRail is not a known setting", error, StringComparison.Ordinal);
        Assert.DoesNotContain("rail-token", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_builder_carries_the_section_given_to_AddMpp_and_null_when_configured_in_code()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Payments:FakeRail:Token"] = "t" }).Build();
        Assert.Null(new ServiceCollection().AddMpp(o => o.AllowUncappedUnits = true).Configuration);

        var services = new ServiceCollection();
        services.AddMpp(configuration.GetSection("Payments"));
        var later = services.AddMpp(); // a later builder of the same services sees the same section
        Assert.Equal("Payments", ((IConfigurationSection)later.Configuration!).Path);
        Assert.Equal("t", later.Configuration!["FakeRail:Token"]);
    }

    [Fact]
    public void A_rail_cannot_claim_a_setting_of_MppOptions_or_a_path()
    {
        var builder = new ServiceCollection().AddMpp();
        Assert.Throws<ArgumentException>(() => builder.ClaimSection("Budget"));
        Assert.Throws<ArgumentException>(() => builder.ClaimSection("retry"));
        Assert.Throws<ArgumentException>(() => builder.ClaimSection("Rails:Tempo"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddAsset("fakecoin", 29, "fun"));
    }

    [Fact]
    public async Task Two_rails_adding_the_same_asset_differently_fail_start()
    {
        var services = new ServiceCollection();
        services.AddMpp(o => o.AllowUncappedUnits = true).AddAsset("0xusdc", 6, "usd").AddAsset("0xUSDC", 6, "usd").AddAsset("0xusdc", 18, "eth");
        services.AddHttpClient("agent").AddMppPayments();
        await using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IHttpClientFactory>().CreateClient("agent"));
        Assert.Contains("'0xusdc' was added twice with different definitions", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMpp(builder.Configuration.GetSection("Mpp")).AddFakeRail();
        builder.Services.AddHttpClient("agent").AddMppPayments();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}

/// <summary>What a rail package would ship: <c>services.AddMpp(section).AddFakeRail()</c>.</summary>
internal static class FakeRailExtensions
{
    public static MppBuilder AddFakeRail(this MppBuilder builder)
    {
        builder.ClaimSection("FakeRail");
        var options = builder.Services.AddOptions<FakeRailOptions>();
        if (builder.Configuration is { } configuration)
        {
            options.Bind(configuration.GetSection("FakeRail"));
        }

        builder.AddAsset("fakecoin", 3, "fun");
        return builder.AddPaymentMethod<FakeRailWallet>();
    }
}

internal sealed class FakeRailOptions
{
    public string Token { get; set; } = string.Empty;

    public FakeRailNetwork Network { get; set; } = new();
}

internal sealed class FakeRailNetwork
{
    public string? Chain { get; set; }
}

internal sealed class FakeRailWallet(IOptions<FakeRailOptions> options) : IPaymentMethod
{
    public const string MethodId = "fakerail";

    public string Method => MethodId;

    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PaymentPayload(JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = options.Value.Token })));
}
