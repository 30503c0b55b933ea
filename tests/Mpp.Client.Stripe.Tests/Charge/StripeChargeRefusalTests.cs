using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using Mpp.Client.Http;
using Mpp.Client.Stripe.Tests.Support;

namespace Mpp.Client.Stripe.Tests.Charge;

/// <summary>Bad challenges and Stripe's errors become typed refusals; bad challenges never reach Stripe.</summary>
public sealed class StripeChargeRefusalTests
{
    public static TheoryData<string, string, object?> BadChallenges => new()
    {
        { "-5", "usd", null },
        { "1.5", "usd", null },
        { "0", "usd", null },
        { "100", "xyz", null },
        { "100", "usd", new { methodDetails = new { paymentMethodTypes = new[] { "card" } } } },
        { "100", "usd", new { methodDetails = new { networkId = "profile_test_x", paymentMethodTypes = Array.Empty<string>() } } },
        { "100", "usd", new { methodDetails = new { networkId = "profile_test_x", paymentMethodTypes = new[] { "us_bank_account" } } } },
        { "100", "usd", new { methodDetails = new { networkId = "profile_x", paymentMethodTypes = new[] { "card" }, livemode = true } } },
        { "100", "usd", new { methodDetails = new { networkId = "profile_x", paymentMethodTypes = new[] { "card" }, metadata = new { externalId = "x" } } } },
    };

    [Theory]
    [MemberData(nameof(BadChallenges))]
    public async Task A_bad_challenge_is_refused_and_nothing_is_minted(string amount, string currency, object? extra)
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price(amount, currency, extra));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.NotEqual(PaymentStatus.Paid, outcome.Status);
        Assert.NotNull(outcome.Code);
        Assert.Empty(h.Stripe.Requests);
        Assert.Empty(h.Server.Payments);
    }

    [Fact]
    public async Task An_expired_challenge_is_refused_and_nothing_is_minted()
    {
        // The server's clock is an hour behind: its challenges have expired when the payer reads them.
        await using var h = await StripeHarness.StartAsync(o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.NotNull(response.GetPaymentOutcome()!.Code);
        Assert.Empty(h.Stripe.Requests);
    }

    [Fact]
    public async Task A_decline_is_a_typed_failure_with_stripe_s_code_and_request_id()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Stripe:PaymentMethod"] = FakeStripe.DeclinedPaymentMethod });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        var error = outcome.MethodError!;
        Assert.False(error.FundsMayHaveMoved);
        Assert.Equal("card_declined", error.Details["stripe.code"]);
        Assert.Equal("generic_decline", error.Details["stripe.decline_code"]);
        Assert.StartsWith("req_", error.Details["stripe.request_id"], StringComparison.Ordinal);
        Assert.Empty(h.Stripe.Tokens);
        Assert.Empty(h.Server.Payments);
    }

    [Fact]
    public async Task Requires_action_is_a_typed_failure_carrying_the_next_action_and_the_reservation_is_released()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Stripe:PaymentMethod"] = FakeStripe.AuthenticationRequiredPaymentMethod, ["Mpp:Budget:PerDay:usd"] = "1" });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.PaymentActionRequired, outcome.Code);
        Assert.Equal("use_stripe_sdk", outcome.MethodError!.Details["next_action.type"]);
        Assert.Contains("https://hooks.stripe.com/", outcome.MethodError.Details["next_action"], StringComparison.Ordinal);
        Assert.False(outcome.MethodError.FundsMayHaveMoved);
        Assert.Empty(h.Server.Payments);
        Assert.Single(h.Stripe.Requests); // never looped
        // Released: nothing is counted against the budget.
        var budget = await provider.GetRequiredService<Mpp.Client.Policy.SpendingPolicy>().GetBudgetAsync();
        Assert.All(budget.Where(b => b.Unit == "usd"), b => Assert.Equal(0m, b.Spent));
        Assert.Contains(budget, b => b.Unit == "usd");
    }

    [Fact]
    public async Task An_invalid_key_is_a_typed_failure_and_the_key_appears_nowhere()
    {
        await using var h = await StripeHarness.StartAsync();
        h.Server.MapPaid("/x", StripeHarness.Price("100"));
        var wrongKey = "sk_test_" + "WRONGKEYSECRET" + Guid.NewGuid().ToString("N");
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        using var provider = h.Payer(
            new() { ["Mpp:Stripe:SecretKey"] = wrongKey },
            services: s => s.AddLogging(b => b.AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs)).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace)));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.Equal("401", outcome.MethodError!.Details["stripe.http_status"]);
        Assert.Contains("401", outcome.Reason, StringComparison.Ordinal);
        var texts = new List<string> { outcome.ToString(), outcome.Reason!, outcome.MethodError.ToString(), string.Join(";", outcome.MethodError.Details) };
        var records = logs.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("req_", StringComparison.Ordinal));
        texts.AddRange(records.Select(r => r.Message + r.Exception));
        texts.Add(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StripeOptions>>().Value.ToString());
        foreach (var text in texts)
        {
            Assert.DoesNotContain("WRONGKEYSECRET", text, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongKey[^8..], text, StringComparison.Ordinal);
        }
    }
}
