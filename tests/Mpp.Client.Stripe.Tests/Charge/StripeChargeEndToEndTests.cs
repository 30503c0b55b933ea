using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Stripe.Tests.Support;

namespace Mpp.Client.Stripe.Tests.Charge;

/// <summary>The handler pays stripe/charge challenges end to end: tokens minted on the fake Stripe, redeemed by the server's verifier.</summary>
public sealed class StripeChargeEndToEndTests
{
    [Fact]
    public async Task Pays_with_a_token_limited_to_exactly_the_charge()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("2500"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = response.GetPaymentReceipt()!;
        Assert.StartsWith("pi_", receipt.Reference, StringComparison.Ordinal);
        Assert.Equal(h.Stripe.PaymentIntents.Single(), receipt.Reference);
        var mint = h.Stripe.Requests.Single(r => r.Path == "/v1/test_helpers/shared_payment/granted_tokens");
        Assert.True(mint.Authenticated);
        Assert.Equal(StripeOptions.DefaultApiVersion, mint.StripeVersion);
        Assert.StartsWith("mpp-spt-", mint.IdempotencyKey, StringComparison.Ordinal);
        Assert.Equal(FakeStripe.VisaPaymentMethod, mint.Form["payment_method"]);
        Assert.Equal("usd", mint.Form["usage_limits[currency]"]);
        Assert.Equal("2500", mint.Form["usage_limits[max_amount]"]);
        Assert.Equal(h.Stripe.NetworkId, mint.Form["seller_details[network_id]"]);
        var token = h.Stripe.Tokens.Single();
        var challenge = h.Server.Payments.Single();
        Assert.Equal(receipt.Reference, token.PaymentIntent);
        // expires_at is the challenge's expiry, to the second.
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(mint.Form["usage_limits[expires_at]"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5));
        Assert.NotNull(challenge);
    }

    [Theory]
    [InlineData("500", "jpy", "500")] // zero-decimal: 500 yen
    [InlineData("1500", "kwd", "1500")] // three decimals: 1.500 dinar
    [InlineData("1", "usd", "1")]
    public async Task Amounts_are_minted_in_the_currency_s_minor_units_exactly(string amount, string currency, string expected)
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price(amount, currency));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = h.Stripe.Tokens.Single();
        Assert.Equal(long.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), token.MaxAmount);
        Assert.Equal(currency, token.Currency);
        var quote = response.GetPaymentOutcome()!.Quote!;
        Assert.Equal(currency switch { "jpy" => 500m, "kwd" => 1.5m, _ => 0.01m }, quote.DisplayAmount);
    }

    [Fact]
    public async Task A_bound_external_id_is_echoed_and_sent_to_stripe_with_issued_tokens()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("700", extra: new { externalId = "order_42" }));
        using var provider = h.Payer(new() { ["Mpp:Stripe:UseTestHelperInTestMode"] = "false" });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mint = h.Stripe.Requests.Single(r => r.Path == "/v1/shared_payment/issued_tokens");
        Assert.Equal(h.Stripe.NetworkId, mint.Form["seller_details[network_business_profile]"]);
        Assert.Equal("order_42", mint.Form["seller_details[external_id]"]);
        Assert.Equal("order_42", h.Stripe.Tokens.Single().ExternalId);
    }

    [Fact]
    public async Task Rate_limited_once_is_retried_by_stripe_net_and_paid()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("300"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        h.Stripe.RateLimitNext = 1;

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mints = h.Stripe.Requests.Where(r => r.Path.Contains("tokens", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mints.Count);
        Assert.Equal(mints[0].IdempotencyKey, mints[1].IdempotencyKey); // the retry reuses the key
        Assert.Single(h.Stripe.Tokens);
    }

    [Fact]
    public async Task Stripe_s_http_never_goes_through_the_payment_handler()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("300"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // One paid request, one payment: the Stripe client's own calls are not payment-handled requests.
        Assert.Single(h.Server.Payments);
    }
}
