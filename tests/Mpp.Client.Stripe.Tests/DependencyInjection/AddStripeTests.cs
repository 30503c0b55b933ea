using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Stripe.Charge;
using Mpp.Client.Stripe.Tests.Support;

namespace Mpp.Client.Stripe.Tests.DependencyInjection;

/// <summary><c>AddStripe()</c>: settings checked at once without repeating secrets, a custom issuer, test/live separation.</summary>
public sealed class AddStripeTests
{
    [Fact]
    public async Task Every_configuration_problem_is_listed_at_once_and_no_secret_is_repeated()
    {
        await using var h = await StripeHarness.StartAsync();
        using var provider = h.Payer(new()
        {
            ["Mpp:Stripe:SecretKy"] = "typo",
            ["Mpp:Stripe:SecretKey"] = "pk_test_SECRETVALUE123",
            ["Mpp:Stripe:PaymentMethod"] = "card_SECRET",
            ["Mpp:Stripe:ApiBase"] = "not a url SECRET",
            ["Mpp:Stripe:MaxNetworkRetries"] = "9",
            ["Mpp:Stripe:TokenLifetime"] = "00:00:01",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient());

        var failures = string.Join("\n", e.Failures);
        Assert.Contains("Mpp:Stripe:SecretKy is not a Stripe setting", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Stripe:SecretKey is not a Stripe secret or restricted key", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Stripe:PaymentMethod", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Stripe:ApiBase", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Stripe:MaxNetworkRetries", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Stripe:TokenLifetime", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_hides_the_key()
    {
        var options = new StripeOptions { SecretKey = "sk_test_HIDDENHIDDEN", PaymentMethod = "pm_1" };
        Assert.DoesNotContain("HIDDEN", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_issuer_mints_and_a_key_beside_it_is_a_start_error()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("900", extra: new { externalId = "o_1" }));
        var issuer = new DelegatingIssuer(h.Stripe);
        using var provider = h.Payer(new() { ["Mpp:Stripe:SecretKey"] = null, ["Mpp:Stripe:PaymentMethod"] = null, ["Mpp:Stripe:ApiBase"] = null }, b => b.AddStripe(issuer));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(issuer.Requests);
        Assert.Equal(900, request.MaxAmount);
        Assert.Equal("o_1", request.ExternalId);
        Assert.Equal(h.Stripe.NetworkId, request.NetworkId);

        using var both = h.Payer(add: b => b.AddStripe(new DelegatingIssuer(h.Stripe)));
        var e = Assert.Throws<OptionsValidationException>(() => both.GetRequiredService<StripeChargeMethod>());
        Assert.Contains(e.Failures, f => f.Contains("use one of them", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_issuer_refuses_a_test_mode_challenge_before_minting()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("900"));
        var issuer = new DelegatingIssuer(h.Stripe) { Live = true };
        using var provider = h.Payer(new() { ["Mpp:Stripe:SecretKey"] = null }, b => b.AddStripe(issuer));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("test and live never mix", response.GetPaymentOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Empty(issuer.Requests);
    }

    [Fact]
    public async Task StripeAccount_tells_the_mode_from_the_key_or_the_custom_issuer_and_never_shows_the_key()
    {
        await using var h = await StripeHarness.StartAsync();
        using (var test = h.Payer())
        {
            var account = test.GetRequiredService<StripeAccount>();
            Assert.False(account.LiveMode);
            Assert.StartsWith("stripe:test:", account.Identity, StringComparison.Ordinal);
        }

        using (var live = h.Payer(new() { ["Mpp:Stripe:SecretKey"] = "sk_live_NEVERSHOWN0000" }))
        {
            var account = live.GetRequiredService<StripeAccount>();
            Assert.True(account.LiveMode);
            Assert.DoesNotContain("NEVERSHOWN", account.Identity + account, StringComparison.Ordinal);
        }

        using var custom = h.Payer(new() { ["Mpp:Stripe:SecretKey"] = null }, b => b.AddStripe(new DelegatingIssuer(h.Stripe) { Live = true }));
        Assert.True(custom.GetRequiredService<StripeAccount>().LiveMode);
    }

    [Fact]
    public void AddStripe_twice_is_an_error()
    {
        var services = new ServiceCollection();
        var builder = services.AddMppPayments();
        builder.AddStripe();
        Assert.Throws<InvalidOperationException>(() => builder.AddStripe());
    }

    /// <summary>A minting service stand-in: records the requests and mints on the fake through its test helper.</summary>
    private sealed class DelegatingIssuer(FakeStripe stripe) : ISharedPaymentTokenIssuer
    {
        private readonly HttpClient _http = new();

        public List<SharedPaymentTokenRequest> Requests { get; } = [];

        public bool Live { get; init; }

        public string Identity => "minting-service";

        public bool? LiveMode => Live;

        public async ValueTask<SharedPaymentToken> IssueAsync(SharedPaymentTokenRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            using var message = new HttpRequestMessage(HttpMethod.Post, stripe.ApiBase + "/v1/test_helpers/shared_payment/granted_tokens")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["payment_method"] = FakeStripe.VisaPaymentMethod,
                    ["usage_limits[currency]"] = request.Currency,
                    ["usage_limits[max_amount]"] = request.MaxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["usage_limits[expires_at]"] = request.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["seller_details[network_id]"] = request.NetworkId,
                }),
            };
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stripe.SecretKey);
            using var response = await _http.SendAsync(message, cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return new SharedPaymentToken(json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("status").GetString()!);
        }
    }
}
