using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.DependencyInjection;

/// <summary>
/// <c>WithoutMppPayments()</c>: a client a wallet calls itself (a chain node, a provider's API) is taken out of the
/// payment pipeline that <c>AddMppPayments</c> puts on every factory client; the other clients still pay.
/// </summary>
public sealed class WithoutMppPaymentsTests
{
    [Fact]
    public async Task A_client_without_payments_gets_the_402_while_the_others_pay()
    {
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("10"));
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "10").AddPaymentMethod(new TestPaymentMethod());
        services.AddHttpClient("wallet-own-api").WithoutMppPayments();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        using var paying = factory.CreateClient("any");
        using var own = factory.CreateClient("wallet-own-api");

        using var unpaid = await own.GetAsync(server.Url("/paid"));
        using var paid = await paying.GetAsync(server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, unpaid.StatusCode);
        Assert.Null(unpaid.GetPaymentOutcome());
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Single(server.Payments);
    }
}
