using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Stripe.Tests.Interop;

/// <summary>
/// Our Stripe wallet against the reference SDK's server: mppx 0.11.0 with its own <c>stripe</c> charge method (no custom
/// verify) parses our credential with its schema and redeems the token with a PaymentIntent on the fake Stripe.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MppxStripeInteropTests(MppxStripeServerFixture mppx) : IClassFixture<MppxStripeServerFixture>
{
    private ServiceProvider Payer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "100",
            ["Mpp:Budget:PerDay:jpy"] = "10000",
            ["Mpp:AllowedHosts:0"] = "127.0.0.1",
            ["Mpp:Stripe:SecretKey"] = mppx.Stripe.SecretKey,
            ["Mpp:Stripe:PaymentMethod"] = FakeStripe.VisaPaymentMethod,
            ["Mpp:Stripe:ApiBase"] = mppx.Stripe.ApiBase,
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddStripe();
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("paid", "usd", 2500L)]
    [InlineData("yen", "jpy", 500L)]
    public async Task Mppx_stripe_charge_redeems_our_token(string path, string currency, long amount)
    {
        using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        var before = mppx.Stripe.PaymentIntents.Count;

        using var response = await http.GetAsync(new Uri(mppx.BaseAddress, path));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body} {response.GetPaymentOutcome()}\n{mppx.ServerLog}");
        var receipt = Assert.IsType<PaymentReceipt>(response.GetPaymentOutcome()!.Receipt);
        Assert.Equal("stripe", receipt.Method);
        Assert.Equal("success", receipt.Status);
        Assert.Equal(mppx.Stripe.PaymentIntents[before], receipt.Reference);
        var token = mppx.Stripe.Tokens.Single(t => t.PaymentIntent == receipt.Reference);
        Assert.Equal(currency, token.Currency);
        Assert.Equal(amount, token.MaxAmount);
        Assert.Equal(mppx.Stripe.NetworkId, token.NetworkId);
        // mppx redeems with the idempotency key mpp_<challengeId>_<spt> and its preview API version.
        var redeem = mppx.Stripe.Requests.Last(r => r.Path == "/v1/payment_intents");
        Assert.Equal($"_{token.Id}", redeem.IdempotencyKey![^(token.Id.Length + 1)..]);
        Assert.Equal("true", redeem.Form["confirm"]);
    }

    [Fact]
    public async Task Mppx_accepts_our_echo_of_a_bound_external_id()
    {
        using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(new Uri(mppx.BaseAddress, "order"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body} {response.GetPaymentOutcome()}\n{mppx.ServerLog}");
        var receipt = response.GetPaymentOutcome()!.Receipt!;
        Assert.Equal("order_123", receipt.ExternalId);
    }
}
