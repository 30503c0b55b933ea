using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Stripe.Charge;
using Mpp.Client.Http;
using Mpp.Client.Stripe.Tests.Support;

namespace Mpp.Client.Stripe.Tests.Charge;

/// <summary>A retried challenge never mints a second token; a fresh challenge gets a fresh key; mode checks come first.</summary>
public sealed class StripeChargeIdempotencyTests
{
    [Fact]
    public async Task Creating_the_payload_twice_for_one_challenge_mints_one_token()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("1200"));
        using var provider = h.Payer();
        var wallet = provider.GetRequiredService<StripeChargeMethod>();
        var challenge = (await h.Server.IssueChallengesAsync("/x")).Single();
        var quote = new PaymentQuote(challenge, wallet.ReadTerms(challenge), h.Server.Url("/x"), new AssetInfo("usd", 2, "usd"), 12m);
        var ledger = new InMemoryPaymentLedger();

        var first = await wallet.CreatePayloadAsync(new PaymentAttempt(quote, Guid.NewGuid(), ledger), default);
        var second = await wallet.CreatePayloadAsync(new PaymentAttempt(quote, Guid.NewGuid(), ledger), default);

        Assert.Equal(first.Payload.GetProperty("spt").GetString(), second.Payload.GetProperty("spt").GetString());
        Assert.Single(h.Stripe.Tokens);
        var mints = h.Stripe.Requests;
        Assert.Equal(2, mints.Count);
        Assert.Equal(mints[0].IdempotencyKey, mints[1].IdempotencyKey);
    }

    [Fact]
    public async Task Each_fresh_challenge_gets_a_fresh_key_and_its_own_token()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using (var a = await http.GetAsync(h.Server.Url("/x")))
        using (var b = await http.GetAsync(h.Server.Url("/x")))
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
            Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        }

        Assert.Equal(2, h.Stripe.Tokens.Count);
        Assert.Equal(2, h.Stripe.Requests.Where(r => r.Path.Contains("tokens", StringComparison.Ordinal)).Select(r => r.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task A_live_key_refuses_a_test_challenge_before_minting()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Stripe:SecretKey"] = "sk_live_" + new string('a', 24) });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("test and live never mix", response.GetPaymentOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Stripe.Requests);
    }
}
