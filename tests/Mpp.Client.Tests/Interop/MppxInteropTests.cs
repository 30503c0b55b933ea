using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;

namespace Mpp.Client.Tests.Interop;

/// <summary>Our handler pays a live server of the reference SDK (mppx): its challenges parse, our credentials and receipts interoperate.</summary>
public sealed class MppxInteropTests(MppxServerFixture mppx) : IClassFixture<MppxServerFixture>
{
    private ServiceProvider Services(out CountingTestMethod method)
    {
        method = new CountingTestMethod();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerRequest["usd"] = "10";
            o.Budget.PerDay["usd"] = "100";
        }).AddPaymentMethod(method);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Pays_an_mppx_charge_and_reads_its_receipt()
    {
        await using var sp = Services(out var method);
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(new Uri(mppx.BaseAddress, "paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"paid":true}""", await response.Content.ReadAsStringAsync());
        var receipt = response.GetPaymentReceipt();
        Assert.NotNull(receipt);
        Assert.Equal("success", receipt!.Status);
        Assert.Equal("test", receipt.Method);
        Assert.StartsWith("test_", receipt.Reference, StringComparison.Ordinal);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(10.00m, outcome.Quote!.DisplayAmount);
        Assert.Equal(1, method.Created);
        var spent = await sp.GetRequiredService<SpendingPolicy>().GetBudgetAsync();
        Assert.Equal(10.00m, spent.Single(b => b.Name == "PerDay").Spent);
    }

    [Fact]
    public async Task Pays_an_mppx_charge_for_a_post_and_resends_the_body()
    {
        await using var sp = Services(out _);
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.PostAsync(new Uri(mppx.BaseAddress, "paid"), new StringContent("hello mppx"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"paid":true,"bodyLength":10}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_credential_mppx_rejects_is_retried_once_with_a_fresh_challenge_then_returned()
    {
        var method = new CountingTestMethod("wrong-token");
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "100").AddPaymentMethod(method);
        await using var sp = services.BuildServiceProvider();
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(new Uri(mppx.BaseAddress, "paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Rejected, outcome.Status);
        Assert.Equal(Mpp.Client.Protocol.PaymentProblemType.VerificationFailed, outcome.Problem!.Kind);
        Assert.Equal(2, outcome.Rounds); // the default bound
        Assert.Equal(2, method.Created);
        var spent = await sp.GetRequiredService<SpendingPolicy>().GetBudgetAsync();
        Assert.Equal(0m, spent.Single().Spent); // the server proved both were not taken
    }

    [Fact]
    public async Task Free_routes_pass_through_untouched()
    {
        await using var sp = Services(out var method);
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var response = await http.GetAsync(new Uri(mppx.BaseAddress, "free"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.GetPaymentOutcome());
        Assert.Equal(0, method.Created);
    }

    private sealed class CountingTestMethod(string token = "valid-test-token") : IPaymentMethod
    {
        private int _created;

        public int Created => _created;

        public string Method => "test";

        public IReadOnlyCollection<string> Intents { get; } = ["charge"];

        public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _created);
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new { token }));
            return ValueTask.FromResult(new PaymentPayload(doc.RootElement.Clone()));
        }
    }
}
