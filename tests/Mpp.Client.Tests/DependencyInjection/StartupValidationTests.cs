using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.DependencyInjection;

/// <summary>Wallets and registrations are checked at start, with the options: every problem at once, naming types and paths.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task A_wallet_with_an_invalid_method_id_fails_start_naming_its_type()
    {
        var ex = await StartFailsAsync(services => services.AddMpp(o => o.Budget.PerDay["usd"] = "1").AddPaymentMethod(new Wallet("Test")));

        var error = Assert.Single(ex.Failures);
        Assert.Contains(typeof(Wallet).FullName!, error, StringComparison.Ordinal);
        Assert.Contains("'Test'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_created_without_a_host_checks_its_wallets_when_created()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            PaymentHandler.Create(o => o.Budget.PerDay["usd"] = "1", mpp => mpp.AddPaymentMethod(new Wallet("Test")).AddPaymentMethod(new Wallet("ok", "pay now"))));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("'pay now', which is not a valid intent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_factory_client_without_a_host_fails_when_created_not_on_each_request()
    {
        var services = new ServiceCollection();
        services.AddMpp(o => o.Budget.PerDay["usd"] = "1").AddPaymentMethod(new Wallet("Test"));
        services.AddHttpClient("agent").AddMppPayments();
        await using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IHttpClientFactory>().CreateClient("agent"));
        Assert.Contains(typeof(Wallet).FullName!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_wallets_for_the_same_method_fail_start_naming_both_types()
    {
        var ex = await StartFailsAsync(services => services.AddMpp(o => o.Budget.PerDay["usd"] = "1")
            .AddPaymentMethod(new TestPaymentMethod())
            .AddPaymentMethod(new Wallet("test")));

        var error = Assert.Single(ex.Failures);
        Assert.Contains(typeof(TestPaymentMethod).FullName!, error, StringComparison.Ordinal);
        Assert.Contains(typeof(Wallet).FullName!, error, StringComparison.Ordinal);
        Assert.Contains("'test'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_wallet_registered_twice_is_one_wallet()
    {
        var wallet = new TestPaymentMethod();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMpp(o => o.Budget.PerDay["usd"] = "1")
            .AddPaymentMethod(wallet).AddPaymentMethod(wallet)
            .AddPaymentMethod<OtherWallet>().AddPaymentMethod<OtherWallet>();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMpp_and_AddMppPayments_with_the_same_section_bind_it_once()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "1",
            ["Mpp:AllowedMethods:0"] = "test/charge",
        });
        builder.Services.AddMpp(builder.Configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod());
        builder.Services.AddHttpClient().AddMppPayments(builder.Configuration.GetSection("Mpp"));
        using var host = builder.Build();
        await host.StartAsync();

        Assert.Equal(["test/charge"], host.Services.GetRequiredService<IOptions<MppOptions>>().Value.AllowedMethods);
    }

    [Fact]
    public async Task Two_different_sections_for_the_options_fail_start_naming_both()
    {
        var ex = await StartFailsAsync(
            (services, configuration) =>
            {
                services.AddMpp(configuration.GetSection("Mpp"));
                services.AddHttpClient().AddMppPayments(configuration.GetSection("Payments"));
            },
            new() { ["Mpp:Budget:PerDay:usd"] = "1", ["Payments:Budget:PerDay:usd"] = "100" });

        var error = Assert.Single(ex.Failures);
        Assert.Contains("'Mpp' and 'Payments'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_different_sections_for_one_client_budget_fail_start_naming_both()
    {
        var ex = await StartFailsAsync(
            (services, configuration) =>
            {
                services.AddMpp(configuration.GetSection("Mpp"));
                services.AddHttpClient("writer").AddMppPayments(configuration.GetSection("Agents:Writer"));
                services.AddHttpClient("writer").AddMppPayments(configuration.GetSection("Agents:Research"));
            },
            new() { ["Mpp:Budget:PerDay:usd"] = "1", ["Agents:Writer:PerDay:usd"] = "1", ["Agents:Research:PerDay:usd"] = "2" });

        var error = Assert.Single(ex.Failures);
        Assert.Contains("'writer'", error, StringComparison.Ordinal);
        Assert.Contains("'Agents:Writer' and 'Agents:Research'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_Mpp_section_given_as_a_client_budget_is_caught_as_unknown_keys()
    {
        var ex = await StartFailsAsync(
            (services, configuration) =>
            {
                services.AddMpp(configuration.GetSection("Mpp"));
                services.AddHttpClient("writer").AddMppPayments(configuration.GetSection("Mpp"));
            },
            new() { ["Mpp:Budget:PerDay:usd"] = "1" });

        Assert.StartsWith("Mpp:Budget is not a known setting (Mpp takes Lifetime, PerDay", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static Task<OptionsValidationException> StartFailsAsync(Action<IServiceCollection> register) =>
        StartFailsAsync((services, _) => register(services), []);

    private static async Task<OptionsValidationException> StartFailsAsync(Action<IServiceCollection, IConfiguration> register, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder.Services, builder.Configuration);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private sealed class OtherWallet : IPaymentMethod
    {
        public string Method => "other";

        public IReadOnlyCollection<string> Intents { get; } = ["charge"];

        public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new PaymentPayload(JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = "t" })));
    }

    private sealed class Wallet(string method, string intent = "charge") : IPaymentMethod
    {
        public string Method { get; } = method;

        public IReadOnlyCollection<string> Intents { get; } = [intent];

        public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new PaymentPayload(JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = "t" })));
    }
}
