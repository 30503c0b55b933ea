using System.Net;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using static Mpp.Client.Tests.Testing.TestServerHelpers;

namespace Mpp.Client.Tests.Testing;

/// <summary>
/// <see cref="MppTestServer.IssueChallengesAsync"/> and <see cref="MppTestServer.VerifyAsync"/> without HTTP (as an MCP test
/// server would use them), checked against what the same server answers over HTTP.
/// </summary>
public sealed class MppTestServerDirectVerificationTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>How a credential is made from a fresh challenge of <c>/paid</c>; <c>/other</c> is a second route.</summary>
    public static TheoryData<string> Cases => ["valid", "wrong-token", "no-token", "tampered-request", "forged-id", "other-route", "expired", "replayed"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Direct_verification_answers_as_the_HTTP_path(string @case)
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await StartAsync(time);
        var route = server.MapPaid("/paid", new PriceOption("1000"));
        server.MapPaid("/other", new PriceOption("1000"));
        using var http = CreateClient(server);

        // Over HTTP.
        var viaHttp = await PrepareAsync(@case, await ChallengeForAsync(http, @case == "other-route" ? "/other" : "/paid"), time, async credential =>
        {
            using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", credential.ToHeaderValue()));
            var problem = response.StatusCode == HttpStatusCode.OK ? null : await ProblemAsync(response);
            var receipt = response.StatusCode == HttpStatusCode.OK ? PaymentReceipt.Parse(Header(response, "Payment-Receipt")!) : null;
            return ((int)response.StatusCode, problem?.Kind, problem?.Detail, receipt);
        });
        var httpPayments = server.Payments.Count;
        var httpRejections = server.Rejections;
        var requests = server.Requests.Count;

        // Directly, with a challenge issued directly.
        var issued = await server.IssueChallengesAsync(@case == "other-route" ? "/other" : "/paid");
        var direct = await PrepareAsync(@case, Assert.Single(issued), time, async credential =>
        {
            var verification = await server.VerifyAsync(credential, "/paid");
            return (verification.StatusCode, verification.Problem, verification.Detail, verification.Receipt);
        });

        Assert.Equal((viaHttp.Status, viaHttp.Problem, viaHttp.Detail), (direct.Status, direct.Problem, direct.Detail));
        Assert.Equal(viaHttp.Receipt is null, direct.Receipt is null);
        if (direct.Receipt is { } receipt)
        {
            Assert.Equal((viaHttp.Receipt!.Status, viaHttp.Receipt.Method), (receipt.Status, receipt.Method));
            Assert.Equal(server.Payments[^1].ChallengeId, receipt.Extra["challengeId"].GetString());
            Assert.Equal(server.Payments[^1].Reference, receipt.Reference);
        }

        // The same bookkeeping, and no HTTP request on the direct side.
        Assert.Equal(httpPayments * 2, server.Payments.Count);
        Assert.Equal(httpPayments, route.ExecutionCount / 2);
        Assert.Equal(httpRejections.ToDictionary(r => r.Key, r => r.Value * 2), server.Rejections);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task Direct_verification_records_the_payment_with_its_receipt()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await StartAsync(time);
        var route = server.MapPaid("/paid", new PriceOption("1000") { Opaque = new Dictionary<string, string> { ["tool"] = "weather" } });
        var challenge = Assert.Single(await server.IssueChallengesAsync("/paid"));
        Assert.True(ChallengeId.Verify(Secret, challenge));
        Assert.Null(challenge.Digest);
        Assert.Equal(1, server.ChallengesIssued);

        var credential = Credential.Create(challenge, Json("""{"token":"valid-test-token"}"""), Json("\"did:example:agent\""));
        var verification = await server.VerifyAsync(credential, "/paid");

        Assert.True(verification.Succeeded);
        Assert.Equal(200, verification.StatusCode);
        Assert.Null(verification.Problem);
        Assert.Null(verification.Detail);
        var payment = Assert.Single(server.Payments);
        Assert.Same(payment, verification.Payment);
        Assert.Equal(("/paid", challenge.Id, "test_1", "did:example:agent"), (payment.Path, payment.ChallengeId, payment.Reference, payment.Source?.GetString()));
        Assert.Null(payment.IdempotencyKey);
        Assert.Equal(("success", "test", "test_1", "2026-03-01T12:00:00Z"), (verification.Receipt!.Status, verification.Receipt.Method, verification.Receipt.Reference, verification.Receipt.Timestamp));
        Assert.Equal(challenge.Id, verification.Receipt.Extra["challengeId"].GetString());
        Assert.Equal(1, route.ExecutionCount);
        Assert.Empty(server.Requests);
        Assert.StartsWith("Accepted", verification.ToString(), StringComparison.Ordinal);

        var again = await server.VerifyAsync(credential, "/paid");
        Assert.False(again.Succeeded);
        Assert.Equal((402, PaymentProblemType.InvalidChallenge), (again.StatusCode, again.Problem));
        Assert.Null(again.Receipt);
        Assert.Null(again.Payment);
        Assert.Contains("InvalidChallenge", again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_and_HTTP_verification_share_the_challenges_they_consume()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        // Issued over HTTP, paid directly; then the same credential over HTTP is a reuse.
        var fromHttp = await ChallengeForAsync(http, "/paid");
        Assert.True((await server.VerifyAsync(Credential.Parse(Pay(fromHttp)), "/paid")).Succeeded);
        using var reuse = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(fromHttp)));
        await AssertRefusedAsync(reuse, PaymentProblemType.InvalidChallenge);

        // Issued directly, paid over HTTP; then directly is a reuse.
        var direct = Assert.Single(await server.IssueChallengesAsync("/paid"));
        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(direct)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(PaymentProblemType.InvalidChallenge, (await server.VerifyAsync(Credential.Parse(Pay(direct)), "/paid")).Problem);
        Assert.Equal(2, server.Payments.Count);
    }

    [Fact]
    public async Task Direct_verification_runs_the_verifiers_and_the_route_s_forced_failures()
    {
        var verifier = new MppTestServerVerifierTests.InvoiceVerifier();
        await using var server = await StartAsync(configure: o => o
            .AddVerifier(verifier)
            .AddVerifier("card", _ => throw new InvalidOperationException("card network down")));
        server.MapPaid("/ln", new PriceOption("25", "sat") { Method = "lightning" });
        server.MapPaid("/card", new PriceOption("7") { Method = "card" });
        server.MapPaid("/busy", new PaidRouteOptions { Prices = [new PriceOption("1")], ForcedStatusAttempts = 1, ForcedStatusCode = 503 });
        server.MapPaid("/broken", new PaidRouteOptions { Prices = [new PriceOption("1")], ForcedStatusAttempts = 1, ForcedStatusCode = 500 });
        server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("1")], ForcedVerificationFailures = 1 });

        // A fresh invoice per challenge, each verified against its own preimage.
        var first = Assert.Single(await server.IssueChallengesAsync("/ln"));
        var second = Assert.Single(await server.IssueChallengesAsync("/ln"));
        Assert.NotEqual(MppTestServerVerifierTests.Invoice(first), MppTestServerVerifierTests.Invoice(second));
        var crossed = await server.VerifyAsync(Credential.Parse(MppTestServerVerifierTests.PayInvoice(first, verifier.PreimageOf(MppTestServerVerifierTests.Invoice(second)))), "/ln");
        Assert.Equal(PaymentProblemType.VerificationFailed, crossed.Problem);
        var own = await server.VerifyAsync(Credential.Parse(MppTestServerVerifierTests.PayInvoice(first, verifier.PreimageOf(MppTestServerVerifierTests.Invoice(first)))), "/ln");
        Assert.True(own.Succeeded);

        // A verifier that throws: 500 internal-payment-error, nothing paid.
        var card = await server.VerifyAsync(Credential.Create(Assert.Single(await server.IssueChallengesAsync("/card")), Json("{}")), "/card");
        Assert.Equal((500, PaymentProblemType.InternalPaymentError), (card.StatusCode, card.Problem));
        Assert.Contains("card network down", card.Detail, StringComparison.Ordinal);

        // The route's forced failures.
        var busy = await server.VerifyAsync(Credential.Parse(Pay(Assert.Single(await server.IssueChallengesAsync("/busy")))), "/busy");
        Assert.Equal((503, (PaymentProblemType?)null), (busy.StatusCode, busy.Problem));
        var broken = await server.VerifyAsync(Credential.Parse(Pay(Assert.Single(await server.IssueChallengesAsync("/broken")))), "/broken");
        Assert.Equal((500, PaymentProblemType.InternalPaymentError), (broken.StatusCode, broken.Problem));
        var flaky = await server.VerifyAsync(Credential.Parse(Pay(Assert.Single(await server.IssueChallengesAsync("/flaky")))), "/flaky");
        Assert.Equal((402, PaymentProblemType.VerificationFailed), (flaky.StatusCode, flaky.Problem));

        Assert.Single(server.Payments);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Direct_calls_need_a_paid_route()
    {
        await using var server = await StartAsync();
        server.MapFree("/free");
        server.MapPaid("/paid", new PriceOption("1"));
        var credential = Credential.Parse(Pay(Assert.Single(await server.IssueChallengesAsync("/paid"))));

        await Assert.ThrowsAsync<ArgumentException>(() => server.IssueChallengesAsync("/free"));
        await Assert.ThrowsAsync<ArgumentException>(() => server.IssueChallengesAsync("/none"));
        await Assert.ThrowsAsync<ArgumentException>(() => server.VerifyAsync(credential, "/free"));
        await Assert.ThrowsAsync<ArgumentException>(() => server.VerifyAsync(credential, "no-slash"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => server.VerifyAsync(null!, "/paid"));
    }

    [Fact]
    public async Task A_digest_bound_challenge_does_not_match_the_empty_body_of_a_direct_call()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        using var post = await http.SendAsync(Request(HttpMethod.Post, "/paid", body: """{"q":1}"""));
        var bound = SingleChallenge(post);
        Assert.NotNull(bound.Digest);

        var verification = await server.VerifyAsync(Credential.Parse(Pay(bound)), "/paid");

        Assert.Equal(PaymentProblemType.VerificationFailed, verification.Problem);
        Assert.Empty(server.Payments);
    }

    private static async Task<(int Status, PaymentProblemType? Problem, string? Detail, PaymentReceipt? Receipt)> PrepareAsync(
        string @case,
        Challenge challenge,
        FakeTimeProvider time,
        Func<Credential, Task<(int, PaymentProblemType?, string?, PaymentReceipt?)>> send)
    {
        var token = @case == "wrong-token" ? "wrong" : MppTestServerOptions.DefaultTestToken;
        var credential = @case switch
        {
            "no-token" => Credential.Create(challenge, Json("""{"proof":"0x1"}""")),
            "tampered-request" => Credential.Parse(Pay(challenge.WithEncodedRequest(CanonicalJson.EncodeBase64Url(Json("""{"amount":"1","currency":"usd","recipient":"acct_test"}"""))))),
            "forged-id" => Credential.Parse(Pay(challenge.WithId("forged"))),
            _ => Credential.Parse(Pay(challenge, token)),
        };

        if (@case == "expired")
        {
            time.Advance(TimeSpan.FromMinutes(6));
        }

        if (@case == "replayed")
        {
            var (status, _, _, _) = await send(credential);
            Assert.Equal(200, status);
        }

        return await send(credential);
    }
}
