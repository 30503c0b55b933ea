using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Extensibility;

public sealed class QuoteOnlyTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_quote_sees_window_caps_names_the_cap_and_reserves_nothing()
    {
        _server.MapPaid("/paid", new PriceOption("30"));
        await using var client = PayingClient.Create(o => o.Budget.PerDay["usd"] = "0.50");
        using (var first = await client.Http.GetAsync(_server.Url("/paid")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // 0.30 of 0.50 spent
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/paid")).SetPaymentMode(PaymentMode.QuoteOnly);
        using var quoted = await client.Http.SendAsync(request);

        var outcome = quoted.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
        Assert.Contains("PerDay cap of 0.50 usd", outcome.Reason, StringComparison.Ordinal);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal(0.30m, rejection.Quote!.DisplayTotal); // what it would have cost
        Assert.Equal(0.30m, await client.SpentAsync()); // nothing reserved by the quote
        Assert.Single(_server.Payments);
    }
}
