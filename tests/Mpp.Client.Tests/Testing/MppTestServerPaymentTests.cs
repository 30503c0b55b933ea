using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using static Mpp.Client.Tests.Testing.TestServerHelpers;

namespace Mpp.Client.Tests.Testing;

public sealed class MppTestServerPaymentTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Valid_credential_gets_200_with_receipt_and_private_cache_control()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await StartAsync(time);
        var route = server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        time.Advance(TimeSpan.FromSeconds(10));

        using var request = Request(HttpMethod.Get, "/paid", Pay(challenge));
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("private", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        Assert.Equal("""{"paid":true,"path":"/paid"}""", await response.Content.ReadAsStringAsync());
        var receipt = PaymentReceipt.Parse(Header(response, "Payment-Receipt")!);
        Assert.Equal("success", receipt.Status);
        Assert.Equal("test", receipt.Method);
        Assert.Equal("test_1", receipt.Reference);
        Assert.Equal("2026-03-01T12:00:10Z", receipt.Timestamp);

        var payment = Assert.Single(server.Payments);
        Assert.Equal(challenge.Id, payment.ChallengeId);
        Assert.Equal(("/paid", "test", "charge", "1000", "usd", "acct_test", "test_1"), (payment.Path, payment.Method, payment.Intent, payment.Amount, payment.Currency, payment.Recipient, payment.Reference));
        Assert.Equal(Start.AddSeconds(10), payment.SettledAt);
        Assert.Equal(new BigInteger(1000), server.SettledTotal("usd"));
        Assert.Equal(BigInteger.Zero, server.SettledTotal("eur"));
        Assert.Equal(1, route.ExecutionCount);

        var paid = server.Requests[^1];
        Assert.Equal(["Authorization"], paid.CredentialHeaders);
        Assert.Equal(challenge.Id, paid.ChallengeId);
        Assert.Equal(200, paid.StatusCode);
        Assert.Null(paid.Problem);
        Assert.Equal("Payment [redacted]", paid.Headers["Authorization"]);
    }

    [Fact]
    public async Task Replayed_credential_is_an_invalid_challenge_with_a_fresh_one()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        var credential = Pay(challenge);

        using var first = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));
        using var replay = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var problem = await AssertRefusedAsync(replay, PaymentProblemType.InvalidChallenge);
        var fresh = SingleChallenge(replay);
        Assert.NotEqual(challenge.Id, fresh.Id);
        Assert.Equal(fresh.Id, problem.ChallengeId);
        Assert.Equal(1, route.ExecutionCount);
        Assert.Single(server.Payments);
        Assert.Equal(1, server.RejectionCount(PaymentProblemType.InvalidChallenge));
    }

    [Fact]
    public async Task Expired_challenge_is_payment_expired()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await StartAsync(time);
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        time.Advance(TimeSpan.FromMinutes(5));
        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(challenge)));

        await AssertRefusedAsync(response, PaymentProblemType.PaymentExpired);
        Assert.Equal("2026-03-01T12:10:00Z", SingleChallenge(response).Expires);
        Assert.Empty(server.Payments);
        Assert.Equal(1, server.RejectionCount(PaymentProblemType.PaymentExpired));
    }

    [Fact]
    public async Task Tampered_amount_breaks_the_binding()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        var cheaper = challenge.WithEncodedRequest(CanonicalJson.EncodeBase64Url(Json("""{"amount":"1","currency":"usd","recipient":"acct_test"}""")));

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(cheaper)));

        await AssertRefusedAsync(response, PaymentProblemType.InvalidChallenge);
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task Credential_for_another_route_does_not_unlock_this_one()
    {
        await using var server = await StartAsync();
        server.MapPaid("/cheap", new PriceOption("1"));
        var pricey = server.MapPaid("/pricey", new PriceOption("1000"));
        var twin = server.MapPaid("/twin", new PriceOption("1")); // same price as /cheap: only the route binding tells them apart
        using var http = CreateClient(server);
        var cheap = await ChallengeForAsync(http, "/cheap");

        using var onPricey = await http.SendAsync(Request(HttpMethod.Get, "/pricey", Pay(cheap)));
        using var onTwin = await http.SendAsync(Request(HttpMethod.Get, "/twin", Pay(cheap)));
        using var onCheap = await http.SendAsync(Request(HttpMethod.Get, "/cheap", Pay(cheap)));

        await AssertRefusedAsync(onPricey, PaymentProblemType.InvalidChallenge);
        await AssertRefusedAsync(onTwin, PaymentProblemType.InvalidChallenge);
        Assert.Equal(HttpStatusCode.OK, onCheap.StatusCode);
        Assert.Equal(0, pricey.ExecutionCount);
        Assert.Equal(0, twin.ExecutionCount);
        Assert.Equal(new BigInteger(1), server.SettledTotal("usd"));
    }

    [Fact]
    public async Task Wrong_token_is_verification_failed_and_the_fresh_challenge_can_be_paid()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var refused = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(challenge, "wrong-token")));
        var problem = await AssertRefusedAsync(refused, PaymentProblemType.VerificationFailed);
        Assert.Equal("https://paymentauth.org/problems/verification-failed", problem.Type);
        Assert.True(problem.PaymentNotTaken);
        var fresh = SingleChallenge(refused);
        Assert.NotEqual(challenge.Id, fresh.Id);

        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(fresh)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(1, server.RejectionCount(PaymentProblemType.VerificationFailed));
    }

    [Fact]
    public async Task Configured_test_token_is_the_one_accepted()
    {
        await using var server = await StartAsync(configure: o => o.TestToken = "s3cret");
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var withDefault = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(await ChallengeForAsync(http, "/paid"))));
        using var withConfigured = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(await ChallengeForAsync(http, "/paid"), "s3cret")));

        await AssertRefusedAsync(withDefault, PaymentProblemType.VerificationFailed);
        Assert.Equal(HttpStatusCode.OK, withConfigured.StatusCode);
    }

    [Fact]
    public async Task Payload_without_token_is_invalid_payload()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        var credential = Credential.Create(challenge, Json("""{"proof":"0xabc"}""")).ToHeaderValue();

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));

        await AssertRefusedAsync(response, PaymentProblemType.InvalidPayload);
    }

    [Theory]
    [InlineData("Payment !!!not-base64url!!!")]
    [InlineData("Payment bm90IGpzb24")]
    [InlineData("Payment eyJwYXlsb2FkIjp7fX0")]
    [InlineData("Payment")]
    public async Task Unreadable_credential_is_malformed_credential(string credential)
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));

        await AssertRefusedAsync(response, PaymentProblemType.MalformedCredential);
        Assert.True(server.Requests[0].HasCredential);
    }

    [Fact]
    public async Task Body_that_differs_from_the_digest_is_verification_failed()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        using var first = await http.SendAsync(Request(HttpMethod.Post, "/paid", body: """{"n":1}"""));
        var challenge = SingleChallenge(first);
        Assert.NotNull(challenge.Digest);

        using var other = await http.SendAsync(Request(HttpMethod.Post, "/paid", Pay(challenge), body: """{"n":2}"""));
        await AssertRefusedAsync(other, PaymentProblemType.VerificationFailed);

        using var same = await http.SendAsync(Request(HttpMethod.Post, "/paid", Pay(challenge), body: """{"n":1}"""));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1, route.ExecutionCount);
    }

    [Fact]
    public async Task Challenge_without_digest_does_not_pay_for_a_body()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var fromGet = await ChallengeForAsync(http, "/paid");

        using var response = await http.SendAsync(Request(HttpMethod.Post, "/paid", Pay(fromGet), body: "{}"));

        await AssertRefusedAsync(response, PaymentProblemType.VerificationFailed);
    }

    [Fact]
    public async Task Payment_authorization_route_takes_the_credential_only_from_that_field()
    {
        await using var server = await StartAsync();
        server.MapPaid("/pa", PriceOption.WithPaymentAuthorization("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/pa");
        Assert.Equal(Challenge.PaymentAuthorizationHeader, challenge.Header);
        Assert.Equal("Payment-Authorization", challenge.CredentialHeaderName);

        using var wrongField = await http.SendAsync(Request(HttpMethod.Get, "/pa", Pay(challenge)));
        await AssertRefusedAsync(wrongField, PaymentProblemType.InvalidChallenge);

        using var request = Request(HttpMethod.Get, "/pa", Pay(challenge), field: "Payment-Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer user-token");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("private", response.Headers.CacheControl?.ToString());
        var recorded = server.Requests[^1];
        Assert.Equal(["Payment-Authorization"], recorded.CredentialHeaders);
        Assert.Equal("Bearer user-token", recorded.Headers["Authorization"]);
        Assert.Equal("Payment [redacted]", recorded.Headers["Payment-Authorization"]);
    }

    [Fact]
    public async Task Authorization_route_refuses_the_credential_in_payment_authorization()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(challenge), field: "Payment-Authorization"));

        await AssertRefusedAsync(response, PaymentProblemType.InvalidChallenge);
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task Non_payment_authorization_is_ignored()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", "Bearer abc"));

        await AssertRefusedAsync(response, PaymentProblemType.PaymentRequired);
        Assert.False(server.Requests[0].HasCredential);
    }

    [Fact]
    public async Task Two_credentials_in_one_request_are_a_bad_request()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var request = Request(HttpMethod.Get, "/paid", Pay(challenge));
        request.Headers.TryAddWithoutValidation("Payment-Authorization", Pay(challenge));
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(PaymentProblemType.BadRequest, (await ProblemAsync(response)).Kind);
        Assert.Empty(server.Payments);
        Assert.Equal(["Authorization", "Payment-Authorization"], server.Requests[^1].CredentialHeaders);
    }

    [Fact]
    public async Task Concurrent_replays_of_one_credential_yield_exactly_one_200()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var credential = Pay(await ChallengeForAsync(http, "/paid"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));
            return response.StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.OK);
        Assert.Equal(31, responses.Count(s => s == HttpStatusCode.PaymentRequired));
        Assert.Equal(1, route.ExecutionCount);
        Assert.Single(server.Payments);
        Assert.Equal(31, server.RejectionCount(PaymentProblemType.InvalidChallenge));
    }

    [Fact]
    public async Task Any_offered_challenge_can_be_paid()
    {
        await using var server = await StartAsync(configure: o =>
            o.AddVerifier("card", c => c.Payload.TryGetProperty("spt", out _)
                ? PaymentVerificationResult.Success("pi_123")
                : PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "spt missing")));
        server.MapPaid("/multi", new PriceOption("1000"), new PriceOption("7", "eur") { Method = "card", Recipient = "acct_card" });
        using var http = CreateClient(server);
        using var first = await http.GetAsync("/multi");
        var card = Challenges(first).Single(c => c.Method == "card");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/multi", Credential.Create(card, Json("""{"spt":"spt_1"}""")).ToHeaderValue()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = PaymentReceipt.Parse(Header(response, "Payment-Receipt")!);
        Assert.Equal(("card", "pi_123"), (receipt.Method, receipt.Reference));
        Assert.Equal(new BigInteger(7), server.SettledTotal("EUR"));
        Assert.Equal("acct_card", server.Payments[0].Recipient);
    }

    [Fact]
    public async Task Method_without_a_verifier_is_verification_failed()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000") { Method = "tempo" });
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(challenge)));

        await AssertRefusedAsync(response, PaymentProblemType.VerificationFailed);
    }

    [Fact]
    public async Task Same_idempotency_key_replays_the_stored_response_without_paying_again()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/order", new PriceOption("1000"));
        using var http = CreateClient(server);
        using var first402 = await http.SendAsync(Request(HttpMethod.Post, "/order", body: "{}"));
        var credential = Pay(SingleChallenge(first402));

        using var first = await http.SendAsync(Request(HttpMethod.Post, "/order", credential, "{}", "key-1"));
        using var again = await http.SendAsync(Request(HttpMethod.Post, "/order", credential, "{}", "key-1"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(Header(first, "Payment-Receipt"), Header(again, "Payment-Receipt"));
        Assert.Equal(1, route.ExecutionCount);
        var payment = Assert.Single(server.Payments);
        Assert.Equal("key-1", payment.IdempotencyKey);
        Assert.Equal("key-1", server.Requests[^1].IdempotencyKey);

        // A fresh, valid credential with the same key: still the stored response, no second payment.
        using var second402 = await http.SendAsync(Request(HttpMethod.Post, "/order", body: "{}"));
        using var fresh = await http.SendAsync(Request(HttpMethod.Post, "/order", Pay(SingleChallenge(second402)), "{}", "key-1"));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(Header(first, "Payment-Receipt"), Header(fresh, "Payment-Receipt"));
        Assert.Equal(1, route.ExecutionCount);

        // Without the key, the used credential is a replay.
        using var noKey = await http.SendAsync(Request(HttpMethod.Post, "/order", credential, "{}"));
        await AssertRefusedAsync(noKey, PaymentProblemType.InvalidChallenge);

        // The stored response is only for valid credentials.
        using var forged = await http.SendAsync(Request(HttpMethod.Post, "/order", Pay(SingleChallenge(second402).WithId("forged")), "{}", "key-1"));
        await AssertRefusedAsync(forged, PaymentProblemType.InvalidChallenge);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_execute_once()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/order", new PriceOption("1000"));
        using var http = CreateClient(server);
        var credentials = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            using var challengeResponse = await http.SendAsync(Request(HttpMethod.Post, "/order", body: "{}"));
            credentials.Add(Pay(SingleChallenge(challengeResponse)));
        }

        var receipts = await Task.WhenAll(credentials.Select(async credential =>
        {
            using var response = await http.SendAsync(Request(HttpMethod.Post, "/order", credential, "{}", "same-key"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Header(response, "Payment-Receipt");
        }));

        Assert.Single(receipts.Distinct());
        Assert.Equal(1, route.ExecutionCount);
        Assert.Single(server.Payments);
    }

    [Fact]
    public async Task Forced_verification_failures_refuse_the_first_valid_payments()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("1000")], ForcedVerificationFailures = 2 });
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/flaky");

        for (var i = 0; i < 2; i++)
        {
            using var refused = await http.SendAsync(Request(HttpMethod.Get, "/flaky", Pay(challenge)));
            await AssertRefusedAsync(refused, PaymentProblemType.VerificationFailed);
            challenge = SingleChallenge(refused);
        }

        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/flaky", Pay(challenge)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(1, route.ExecutionCount);
        Assert.Equal(2, server.RejectionCount(PaymentProblemType.VerificationFailed));
    }

    [Fact]
    public async Task Forced_status_answers_the_first_attempts_without_consuming_the_challenge()
    {
        await using var server = await StartAsync();
        var route = server.MapPaid("/busy", new PaidRouteOptions
        {
            Prices = [new PriceOption("1000")],
            ForcedStatusAttempts = 2,
            ForcedStatusCode = 503,
            RetryAfter = TimeSpan.FromSeconds(1),
        });
        using var http = CreateClient(server);
        var credential = Pay(await ChallengeForAsync(http, "/busy"));

        using var first = await http.SendAsync(Request(HttpMethod.Get, "/busy", credential));
        using var second = await http.SendAsync(Request(HttpMethod.Get, "/busy", credential));
        using var third = await http.SendAsync(Request(HttpMethod.Get, "/busy", credential));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("1", Header(first, "Retry-After"));
        Assert.False(first.Headers.Contains("WWW-Authenticate"));
        Assert.False(first.Headers.Contains("Payment-Receipt"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(1, route.ExecutionCount);
        Assert.Single(server.Payments);
    }

    [Fact]
    public async Task Forced_500_is_an_internal_payment_error()
    {
        await using var server = await StartAsync();
        server.MapPaid("/broken", new PaidRouteOptions { Prices = [new PriceOption("1000")], ForcedStatusAttempts = 1, ForcedStatusCode = 500 });
        using var http = CreateClient(server);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/broken", Pay(await ChallengeForAsync(http, "/broken"))));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(PaymentProblemType.InternalPaymentError, (await ProblemAsync(response)).Kind);
    }

    [Fact]
    public async Task Receipt_can_be_omitted_and_body_configured()
    {
        await using var server = await StartAsync();
        server.MapPaid("/quiet", new PaidRouteOptions
        {
            Prices = [new PriceOption("1000")],
            OmitReceipt = true,
            ResponseBody = "hello",
            ResponseContentType = "text/plain",
        });
        using var http = CreateClient(server);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/quiet", Pay(await ChallengeForAsync(http, "/quiet"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Payment-Receipt"));
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(server.Payments);
    }

    [Fact]
    public async Task Paid_route_can_redirect_after_payment()
    {
        await using var server = await StartAsync();
        server.MapPaid("/pay-then-go", new PaidRouteOptions { Prices = [new PriceOption("1000")], RedirectAfterPayment = "http://elsewhere.example/result", RedirectStatusCode = 303 });
        using var http = CreateClient(server);

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/pay-then-go", Pay(await ChallengeForAsync(http, "/pay-then-go"))));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(new Uri("http://elsewhere.example/result"), response.Headers.Location);
        Assert.NotNull(Header(response, "Payment-Receipt"));
        Assert.Single(server.Payments);
    }

    [Fact]
    public async Task Paid_route_can_write_its_own_answer_after_payment_reading_the_body()
    {
        await using var server = await StartAsync();
        CredentialVerification? seen = null;
        server.MapPaid("/own", new PaidRouteOptions
        {
            Prices = [new PriceOption("1000")],
            DigestBinding = false,
            PaidResponse = async (context, verification) =>
            {
                seen = verification;
                using var reader = new StreamReader(context.Request.Body);
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: " + await reader.ReadToEndAsync() + "\n\n");
            },
        });
        using var http = CreateClient(server);

        using var request = Request(HttpMethod.Post, "/own", Pay(await ChallengeForAsync(http, "/own")));
        request.Content = new StringContent("prompt");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: prompt\n\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(PaymentReceipt.Parse(Header(response, "Payment-Receipt")!).Reference, seen!.Receipt!.Reference);
        Assert.Same(Assert.Single(server.Payments), seen.Payment);
    }

    [Fact]
    public async Task Free_redirect_handler_and_unknown_routes()
    {
        await using var server = await StartAsync();
        server.MapFree("/free", "it is free");
        server.MapRedirect("/away", "http://other.example/paid", 307);
        server.MapRedirect("/here", "/free");
        server.MapHandler("/echo", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync(await reader.ReadToEndAsync());
        });
        server.MapPaid("/get-only", new PaidRouteOptions { Prices = [new PriceOption("1")], HttpMethods = ["GET"] });
        using var http = CreateClient(server);

        using var free = await http.GetAsync("/free");
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.Equal("it is free", await free.Content.ReadAsStringAsync());
        Assert.False(free.Headers.Contains("WWW-Authenticate"));

        using var away = await http.GetAsync("/away");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, away.StatusCode);
        Assert.Equal(new Uri("http://other.example/paid"), away.Headers.Location);

        using var following = CreateClient(server, followRedirects: true);
        using var here = await following.GetAsync("/here");
        Assert.Equal("it is free", await here.Content.ReadAsStringAsync());

        using var echo = await http.PostAsync("/echo", new StringContent("ping"));
        Assert.Equal("ping", await echo.Content.ReadAsStringAsync());

        using var missing = await http.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var wrongMethod = await http.PostAsync("/get-only", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET"], wrongMethod.Content.Headers.Allow);

        // Any answer to a request that carried a credential is kept out of shared caches.
        using var freeWithCredential = await http.SendAsync(Request(HttpMethod.Get, "/free", "Payment abc", field: "Payment-Authorization"));
        Assert.Equal("no-store", freeWithCredential.Headers.CacheControl?.ToString());

        Assert.Equal(["/free", "/away", "/here", "/free", "/echo", "/nope", "/get-only", "/free"], server.Requests.Select(r => r.Path));
        Assert.Equal(0, server.ChallengesIssued);
    }

    [Fact]
    public async Task Requests_record_query_idempotency_key_and_body()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var request = Request(HttpMethod.Put, "/paid?x=1", body: "payload", idempotencyKey: "k-9");
        request.Headers.TryAddWithoutValidation("Accept-Payment", "test/charge");
        using var response = await http.SendAsync(request);

        var recorded = Assert.Single(server.Requests);
        Assert.Equal(("PUT", "/paid", "?x=1", "k-9", "test/charge"), (recorded.Method, recorded.Path, recorded.Query, recorded.IdempotencyKey, recorded.AcceptPayment));
        Assert.Equal(Encoding.UTF8.GetBytes("payload"), recorded.Body.ToArray());
        Assert.Equal(ContentDigest.ComputeSha256(recorded.Body.Span), SingleChallenge(response).Digest);
    }

    [Fact]
    public async Task Credential_source_is_recorded_with_the_payment()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");
        var credential = Credential.Create(challenge, Json("""{"token":"valid-test-token"}"""), Json("\"did:example:payer\"")).ToHeaderValue();

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("did:example:payer", server.Payments[0].Source?.GetString());
    }

    [Fact]
    public async Task Server_binds_to_loopback_on_a_free_port_and_stops_on_dispose()
    {
        var server = await StartAsync();
        var address = server.BaseAddress;
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.Equal("/", address.AbsolutePath);
        Assert.Equal(new Uri(address, "/paid?x=1"), server.Url("/paid?x=1"));

        await server.DisposeAsync();
        await server.DisposeAsync();

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(address));
    }
}
