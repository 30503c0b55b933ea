using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Http;

/// <summary>Per-client caps on top of the shared budget: a payment must fit both, and clients do not share their own caps.</summary>
public sealed class ClientBudgetTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await MppTestServer.StartAsync();
        _server.MapPaid("/paid", new PriceOption("10"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_client_spends_within_its_own_caps_and_all_within_the_shared_budget()
    {
        var wallet = new TestPaymentMethod();
        var services = new ServiceCollection();
        services.AddMpp(o => o.Budget.PerDay["usd"] = "0.50").AddPaymentMethod(wallet);
        services.AddHttpClient("research").AddMppPayments(b => b.PerDay["usd"] = "0.20");
        services.AddHttpClient("writer").AddMppPayments(b => b.Lifetime["usd"] = "0.40");
        await using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<IHttpClientFactory>();
        var research = factory.CreateClient("research");
        var writer = factory.CreateClient("writer");

        var researchPaid = 0;
        for (var i = 0; i < 4; i++)
        {
            using var r = await research.GetAsync(_server.Url("/paid"));
            researchPaid += r.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        var writerPaid = 0;
        for (var i = 0; i < 6; i++)
        {
            using var r = await writer.GetAsync(_server.Url("/paid"));
            writerPaid += r.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(2, researchPaid);  // its own PerDay 0.20
        Assert.Equal(3, writerPaid);    // its own 0.40 would allow 4, the shared PerDay 0.50 leaves 0.30
        var policy = sp.GetRequiredService<SpendingPolicy>();
        Assert.Equal(0.20m, Assert.Single(await policy.GetClientBudgetAsync("research")).Spent);
        Assert.Equal(0.30m, Assert.Single(await policy.GetClientBudgetAsync("writer")).Spent);
        Assert.Equal(0.50m, Assert.Single(await policy.GetBudgetAsync()).Spent);
        Assert.Equal(SpendingLimit.ClientScope("writer"), Assert.Single(await policy.GetClientBudgetAsync("writer")).Scope);
    }

    [Fact]
    public async Task A_client_per_request_cap_refuses_before_anything_is_signed()
    {
        var wallet = new TestPaymentMethod();
        var services = new ServiceCollection();
        services.AddMpp(o => o.Budget.PerDay["usd"] = "10").AddPaymentMethod(wallet);
        services.AddHttpClient<TypedApi>().AddMppPayments(b => b.PerRequest["usd"] = "0.05");
        await using var sp = services.BuildServiceProvider();

        using var response = await sp.GetRequiredService<TypedApi>().Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains($"Clients[{typeof(TypedApi).Name}].PerRequest", response.GetPaymentOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, wallet.PayloadsCreated);
    }

    [Fact]
    public async Task A_client_budget_from_configuration_is_validated_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "1",
            ["Agents:Research:PerDay:usd"] = "lots",
        });
        builder.Services.AddMpp(builder.Configuration.GetSection("Mpp"));
        builder.Services.AddHttpClient("research").AddMppPayments(builder.Configuration.GetSection("Agents:Research"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("lots", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_budget_needs_a_named_client()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.ConfigureHttpClientDefaults(b => b.AddMppPayments(budget => budget.PerDay["usd"] = "1")));
    }

    public sealed class TypedApi(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }
}
