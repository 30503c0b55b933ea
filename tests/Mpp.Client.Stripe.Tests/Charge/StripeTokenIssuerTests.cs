using Mpp.Client.Methods;
using Mpp.Client.Stripe.Charge;
using Mpp.Client.Stripe.Issuing;

namespace Mpp.Client.Stripe.Tests.Charge;

/// <summary>The Stripe.net issuer against the fake Stripe: idempotency semantics and the key it derives.</summary>
public sealed class StripeTokenIssuerTests
{
    private static SharedPaymentTokenRequest Request(FakeStripe stripe, string key, long max = 500) => new()
    {
        Currency = "usd",
        MaxAmount = max,
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
        NetworkId = stripe.NetworkId,
        IdempotencyKey = key,
        ChallengeId = "c1",
    };

    private static StripeTokenIssuer Issuer(FakeStripe stripe, HttpClient http, bool testHelper = true) =>
        new(stripe.SecretKey, FakeStripe.VisaPaymentMethod, stripe.ApiBase, StripeOptions.DefaultApiVersion, 0, testHelper, () => http);

    [Fact]
    public async Task The_same_key_and_parameters_replay_the_same_token()
    {
        await using var stripe = await FakeStripe.StartAsync();
        using var http = new HttpClient();
        var issuer = Issuer(stripe, http);
        var request = Request(stripe, "mpp-spt-same");

        var first = await issuer.IssueAsync(request, default);
        var second = await issuer.IssueAsync(request, default);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(stripe.Tokens);
        Assert.Equal(2, stripe.Requests.Count);
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_stripe_s_idempotency_error_and_no_second_token()
    {
        await using var stripe = await FakeStripe.StartAsync();
        using var http = new HttpClient();
        var issuer = Issuer(stripe, http, testHelper: false);
        await issuer.IssueAsync(Request(stripe, "mpp-spt-k"), default);

        var e = await Assert.ThrowsAsync<PaymentMethodException>(async () => await issuer.IssueAsync(Request(stripe, "mpp-spt-k", max: 501), default));

        Assert.Equal("idempotency_error", e.Details["stripe.type"]);
        Assert.Contains("fresh challenge", e.Message, StringComparison.Ordinal);
        Assert.Single(stripe.Tokens);
    }

    [Fact]
    public void The_idempotency_key_depends_on_the_challenge_and_the_issuer()
    {
        var a = StripeChargeMethod.IdempotencyKey("mpp-aaaa", "stripe:test:pm_1");
        Assert.Equal(a, StripeChargeMethod.IdempotencyKey("mpp-aaaa", "stripe:test:pm_1"));
        Assert.NotEqual(a, StripeChargeMethod.IdempotencyKey("mpp-bbbb", "stripe:test:pm_1"));
        Assert.NotEqual(a, StripeChargeMethod.IdempotencyKey("mpp-aaaa", "stripe:test:pm_2"));
        Assert.Matches("^mpp-spt-[0-9a-f]{32}$", a);
    }

    [Fact]
    public async Task An_unreachable_stripe_is_a_typed_failure()
    {
        using var http = new HttpClient();
        var issuer = new StripeTokenIssuer("sk_test_x", "pm_1", "http://127.0.0.1:1", StripeOptions.DefaultApiVersion, 0, true, () => http);

        var e = await Assert.ThrowsAsync<PaymentMethodException>(async () => await issuer.IssueAsync(new SharedPaymentTokenRequest
        {
            Currency = "usd", MaxAmount = 1, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(1), NetworkId = "p", IdempotencyKey = "k", ChallengeId = "c",
        }, default));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, e.Code);
        Assert.False(e.FundsMayHaveMoved);
    }
}
