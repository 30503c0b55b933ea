using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using static Mpp.Client.Tests.Testing.TestServerHelpers;

namespace Mpp.Client.Tests.Testing;

public sealed class TestPaymentMethodTests
{
    private static PaymentQuote Quote()
    {
        var challenge = Challenge.Create("id-1", "mpp-test", "test", "charge", Json("""{"amount":"1000","currency":"usd","recipient":"acct_test"}"""));
        IPaymentMethod method = new TestPaymentMethod();
        return new PaymentQuote(challenge, method.ReadTerms(challenge), new Uri("http://127.0.0.1/paid"), new AssetInfo("usd", 2, "usd"), 10m);
    }

    [Fact]
    public void Describes_the_test_charge_method()
    {
        IPaymentMethod method = new TestPaymentMethod();

        Assert.Equal("test", method.Method);
        Assert.Equal(["charge"], method.Intents);
        var terms = method.ReadTerms(Quote().Challenge);
        Assert.Equal(1000, (int)terms.Amount);
        Assert.Equal("usd", terms.Currency);
        Assert.Equal("acct_test", terms.Recipient);
    }

    [Fact]
    public async Task Creates_a_token_payload_and_counts_it()
    {
        var method = new TestPaymentMethod("tok", source: "did:example:me");
        var quote = Quote();

        var payload = await method.CreatePayloadAsync(Attempt(quote), CancellationToken.None);

        Assert.Equal("""{"token":"tok"}""", CanonicalJson.SerializeToString(payload.Payload));
        Assert.Equal("did:example:me", payload.Source?.GetString());
        Assert.Equal(1, method.PayloadsCreated);
        Assert.Same(quote, Assert.Single(method.Quotes));
        Assert.Equal(MppTestServerOptions.DefaultTestToken, new TestPaymentMethod().Token);
        Assert.Null((await new TestPaymentMethod().CreatePayloadAsync(Attempt(quote), CancellationToken.None)).Source);
    }

    [Fact]
    public async Task Counts_concurrent_payloads_exactly()
    {
        var method = new TestPaymentMethod();
        var quote = Quote();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await method.CreatePayloadAsync(Attempt(quote), CancellationToken.None))));

        Assert.Equal(200, method.PayloadsCreated);
        Assert.Equal(200, method.Quotes.Count);
    }

    [Fact]
    public async Task Hook_runs_first_and_a_throwing_hook_counts_nothing()
    {
        var method = new TestPaymentMethod { OnCreatePayload = (_, _) => throw new InvalidOperationException("wallet offline") };

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await method.CreatePayloadAsync(Attempt(Quote()), CancellationToken.None));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await new TestPaymentMethod().CreatePayloadAsync(Attempt(Quote()), new CancellationToken(canceled: true)));

        Assert.Equal(0, method.PayloadsCreated);
    }

    [Fact]
    public async Task Its_payload_pays_the_test_server()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        var method = new TestPaymentMethod();
        var payload = await method.CreatePayloadAsync(Attempt(
            new PaymentQuote(challenge, ((IPaymentMethod)method).ReadTerms(challenge), server.Url("/paid"), new AssetInfo("usd", 2, "usd"), 10m)),
            CancellationToken.None);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Credential.Create(challenge, payload.Payload, payload.Source).ToHeaderValue()));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private static PaymentAttempt Attempt(PaymentQuote quote) => new(quote, Guid.NewGuid(), new Mpp.Client.Ledger.InMemoryPaymentLedger());
}
