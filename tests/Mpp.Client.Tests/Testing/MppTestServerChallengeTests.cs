using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using static Mpp.Client.Tests.Testing.TestServerHelpers;

namespace Mpp.Client.Tests.Testing;

public sealed class MppTestServerChallengeTests
{
    [Fact]
    public async Task Unpaid_request_gets_402_with_one_challenge_problem_details_and_no_store()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await StartAsync(time);
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var response = await http.GetAsync("/paid");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Payment-Receipt"));
        var challenge = SingleChallenge(response);
        Assert.Equal("mpp-test", challenge.Realm);
        Assert.Equal(server.Realm, challenge.Realm);
        Assert.Equal("test", challenge.Method);
        Assert.Equal("charge", challenge.Intent);
        Assert.Null(challenge.Header);
        Assert.Null(challenge.Digest);
        Assert.Equal("2026-03-01T12:05:00Z", challenge.Expires);
        Assert.Equal("""{"amount":"1000","currency":"usd","recipient":"acct_test"}""", CanonicalJson.SerializeToString(challenge.Request));
        Assert.False(challenge.EncodedRequest.Contains('=', StringComparison.Ordinal));

        var opaqueBytes = Base64Url.Decode(challenge.Opaque!);
        var opaque = JsonDocument.Parse(opaqueBytes).RootElement;
        Assert.Equal(CanonicalJson.SerializeToString(opaque), Encoding.UTF8.GetString(opaqueBytes)); // opaque is JCS
        Assert.Equal("/paid", opaque.GetProperty("route").GetString());
        Assert.False(string.IsNullOrEmpty(opaque.GetProperty("nonce").GetString()));
        Assert.False(string.IsNullOrEmpty(opaque.GetProperty("price").GetString()));

        var problem = await ProblemAsync(response);
        Assert.Equal(PaymentProblemType.PaymentRequired, problem.Kind);
        Assert.Equal("https://paymentauth.org/problems/payment-required", problem.Type);
        Assert.Equal(402, problem.Status);
        Assert.Equal("Payment Required", problem.Title);
        Assert.Equal(challenge.Id, problem.ChallengeId);

        Assert.Equal(1, server.ChallengesIssued);
        Assert.Empty(server.Rejections);
        var recorded = Assert.Single(server.Requests);
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("/paid", recorded.Path);
        Assert.False(recorded.HasCredential);
        Assert.Equal(402, recorded.StatusCode);
        Assert.Equal(PaymentProblemType.PaymentRequired, recorded.Problem);
    }

    [Fact]
    public async Task Challenge_id_is_the_spec_HMAC_of_the_parameters()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        server.MapPaid("/pa", PriceOption.WithPaymentAuthorization("5"));
        using var http = CreateClient(server);

        var challenge = await ChallengeForAsync(http, "/paid");
        var viaHeader = await ChallengeForAsync(http, "/pa");

        Assert.Equal(
            ChallengeId.Compute(Secret, challenge.Realm, challenge.Method, challenge.Intent, challenge.EncodedRequest, challenge.Expires, challenge.Digest, challenge.Opaque),
            challenge.Id);
        Assert.True(ChallengeId.Verify(Secret, challenge));

        // The header slot is part of the binding when present.
        Assert.Equal(Challenge.PaymentAuthorizationHeader, viaHeader.Header);
        Assert.Equal(
            ChallengeId.Compute(Secret, viaHeader.Realm, viaHeader.Method, viaHeader.Intent, viaHeader.EncodedRequest, viaHeader.Expires, viaHeader.Digest, viaHeader.Opaque, viaHeader.Header),
            viaHeader.Id);
        Assert.NotEqual(
            ChallengeId.Compute(Secret, viaHeader.Realm, viaHeader.Method, viaHeader.Intent, viaHeader.EncodedRequest, viaHeader.Expires, viaHeader.Digest, viaHeader.Opaque),
            viaHeader.Id);
    }

    [Fact]
    public async Task Every_challenge_is_fresh_even_when_the_clock_stands_still()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(time);
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        var first = await ChallengeForAsync(http, "/paid");
        var second = await ChallengeForAsync(http, "/paid");

        Assert.Equal(first.Expires, second.Expires);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Several_prices_give_several_challenges_as_separate_field_lines()
    {
        await using var server = await StartAsync();
        server.MapPaid(
            "/multi",
            new PriceOption("1000"),
            new PriceOption("25", "sat") { Method = "lightning", Recipient = null, Description = "Pay with Lightning" });
        using var http = CreateClient(server);

        using var response = await http.GetAsync("/multi");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(2, response.Headers.NonValidated["WWW-Authenticate"].Count);
        var challenges = Challenges(response);
        Assert.Equal(["test", "lightning"], challenges.Select(c => c.Method));
        Assert.All(challenges, c => Assert.True(ChallengeId.Verify(Secret, c)));
        Assert.Equal("Pay with Lightning", challenges[1].Description);
        Assert.Equal("""{"amount":"25","currency":"sat"}""", CanonicalJson.SerializeToString(challenges[1].Request));
        Assert.Equal(challenges[0].Id, (await ProblemAsync(response)).ChallengeId);
        Assert.Equal(2, server.ChallengesIssued);
    }

    [Fact]
    public async Task Several_prices_can_share_one_comma_joined_field()
    {
        await using var server = await StartAsync();
        server.MapPaid("/multi", new PaidRouteOptions
        {
            Prices = [new PriceOption("1000"), new PriceOption("7", "eur") { Method = "card" }],
            ChallengeHeaderStyle = ChallengeHeaderStyle.SingleField,
        });
        using var http = CreateClient(server);

        using var response = await http.GetAsync("/multi");

        var line = Assert.Single(response.Headers.NonValidated["WWW-Authenticate"]);
        Assert.Equal(2, ChallengeParser.Parse(line).Count);
        Assert.Equal(["test", "card"], Challenges(response).Select(c => c.Method));
    }

    [Fact]
    public async Task Accept_payment_filters_and_orders_the_challenges()
    {
        await using var server = await StartAsync();
        server.MapPaid("/multi", new PriceOption("1000"), new PriceOption("5") { Method = "tempo" }, new PriceOption("9") { Method = "card" });
        using var http = CreateClient(server);

        async Task<string[]> MethodsFor(string? acceptPayment)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/multi");
            if (acceptPayment is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Payment", acceptPayment);
            }

            using var response = await http.SendAsync(request);
            return [.. Challenges(response).Select(c => c.Method)];
        }

        Assert.Equal(["test", "tempo", "card"], await MethodsFor(null));
        Assert.Equal(["tempo"], await MethodsFor("tempo/charge"));
        Assert.Equal(["card", "test"], await MethodsFor("test/charge;q=0.5, card/*"));
        Assert.Equal(["tempo", "card"], await MethodsFor("*/charge, test/charge;q=0"));
        Assert.Equal(["test", "tempo", "card"], await MethodsFor("solana/charge")); // nothing matches: all
        Assert.Equal(["test", "tempo", "card"], await MethodsFor("not a range")); // malformed: ignored
        Assert.Equal("tempo/charge", server.Requests[1].AcceptPayment);
    }

    [Fact]
    public async Task Bodied_requests_get_a_digest_of_the_body()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        server.MapPaid("/unbound", new PaidRouteOptions { Prices = [new PriceOption("1000")], DigestBinding = false });
        using var http = CreateClient(server);
        const string Body = """{"q":"weather"}""";

        using var post = await http.PostAsync("/paid", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var get = await http.GetAsync("/paid");
        using var unbound = await http.PostAsync("/unbound", new StringContent(Body, Encoding.UTF8, "application/json"));

        var challenge = SingleChallenge(post);
        Assert.Equal(ContentDigest.ComputeSha256(Encoding.UTF8.GetBytes(Body)), challenge.Digest);
        Assert.True(ChallengeId.Verify(Secret, challenge));
        Assert.Null(SingleChallenge(get).Digest);
        Assert.Null(SingleChallenge(unbound).Digest);
        Assert.Equal(Body, server.Requests[0].BodyText);
    }

    [Fact]
    public async Task Retry_after_and_extra_request_fields_are_written()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PaidRouteOptions
        {
            Prices =
            [
                new PriceOption("1000")
                {
                    ExtraRequest = new Dictionary<string, JsonElement>
                    {
                        ["externalId"] = Json("\"order-7\""),
                        ["methodDetails"] = Json("""{"chainId":42}"""),
                    },
                },
            ],
            RetryAfter = TimeSpan.FromSeconds(30),
        });
        using var http = CreateClient(server);

        using var response = await http.GetAsync("/paid");

        Assert.Equal("30", Header(response, "Retry-After"));
        Assert.Equal(
            """{"amount":"1000","currency":"usd","externalId":"order-7","methodDetails":{"chainId":42},"recipient":"acct_test"}""",
            CanonicalJson.SerializeToString(SingleChallenge(response).Request));
    }

    [Fact]
    public async Task A_route_can_issue_challenges_that_are_already_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await StartAsync(time);
        server.MapPaid("/stale", new PaidRouteOptions { Prices = [new PriceOption("1")], ChallengeLifetime = TimeSpan.FromMinutes(-1) });
        using var http = CreateClient(server);

        var challenge = await ChallengeForAsync(http, "/stale");

        Assert.Equal("2026-03-01T11:59:00Z", challenge.Expires);
    }
}
