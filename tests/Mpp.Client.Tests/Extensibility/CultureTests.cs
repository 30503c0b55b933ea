using System.Globalization;
using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>Reasons and texts read the same whatever the caller's culture (a German agent must not read "0,05 usd").</summary>
public sealed class CultureTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Refusal_reasons_and_quotes_use_the_invariant_culture()
    {
        _server.MapPaid("/dear", new PriceOption("150"));
        await using var client = PayingClient.Create(o => o.Budget.PerRequest["usd"] = "1.25");
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            using var response = await client.Http.GetAsync(_server.Url("/dear"));

            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
            var outcome = response.GetPaymentOutcome()!;
            Assert.Equal(MppErrorCode.BudgetExceeded, outcome.Code);
            Assert.Contains("1.50 usd exceeds the Budget.PerRequest cap of 1.25 usd", outcome.Reason, StringComparison.Ordinal);
            Assert.Contains("1.50 usd", outcome.Rejections[0].Quote!.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("1,50", outcome.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
