using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;
using RichardSzalay.MockHttp;

namespace Mpp.Client.Tests.Http;

/// <summary>Bad input from servers and wallets: a clear typed outcome, nothing signed, nothing counted.</summary>
public sealed class HostileServerTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private void Map402(string path, params string[] wwwAuthenticate) => _server.MapHandler(path, async ctx =>
    {
        ctx.Response.StatusCode = 402;
        foreach (var v in wwwAuthenticate)
        {
            ctx.Response.Headers.Append("WWW-Authenticate", v);
        }

        await ctx.Response.WriteAsync("pay up");
    });

    private static string Challenge(string requestJson, string extra = "") =>
        $"Payment id=\"abc\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"{Base64Url.EncodeText(requestJson)}\"{extra}";

    public static TheoryData<string, string> BadChallenges => new()
    {
        { "none", "" },
        { "bearer only", "Bearer realm=\"x\"" },
        { "bad base64", "Payment id=\"a\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"!!!\"" },
        { "non-canonical base64url", "Payment id=\"a\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"intent\"" },
        { "duplicate id", "Payment id=\"a\", id=\"b\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"e30\"" },
        { "no amount", Challenge("""{"currency":"usd"}""") },
        { "decimal amount", Challenge("""{"amount":"1.5","currency":"usd"}""") },
        { "negative amount", Challenge("""{"amount":"-1","currency":"usd"}""") },
        { "exponent amount", Challenge("""{"amount":"1e3","currency":"usd"}""") },
        { "numeric amount", Challenge("""{"amount":100,"currency":"usd"}""") },
        { "no currency", Challenge("""{"amount":"100"}""") },
        { "unknown header", Challenge("""{"amount":"100","currency":"usd"}""", ", header=\"X-Pay\"") },
        { "expired request", Challenge("""{"amount":"100","currency":"usd","expires":"2020-01-01T00:00:00Z"}""") },
        { "duplicate amount", Challenge("""{"amount":"1","currency":"usd","amount":"100000000"}""") },
        { "method not lowercase", "Payment id=\"a\", realm=\"r\", method=\"Test\", intent=\"charge\", request=\"e30\"" },
        { "request not an object", Challenge("""["amount","1"]""") },
        { "bad expires", Challenge("""{"amount":"100","currency":"usd"}""", ", expires=\"tomorrow\"") },
    };

    [Theory]
    [MemberData(nameof(BadChallenges))]
    public async Task A_402_with_no_payable_challenge_is_returned_with_the_reason_and_nothing_paid(string name, string header)
    {
        Map402("/bad", header.Length == 0 ? [] : [header]);
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/bad"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome();
        Assert.NotNull(outcome);
        Assert.Equal(PaymentStatus.Refused, outcome!.Status);
        Assert.Equal(MppErrorCode.NoPayableChallenge, outcome.Code);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Reason), name);
        Assert.Equal("pay up", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task Random_challenge_headers_never_make_the_handler_throw_or_pay_wrongly()
    {
        var random = new Random(7);
        string[] pieces =
        [
            "Payment ", "id=\"x\"", "realm=\"r\"", "method=\"test\"", "intent=\"charge\"", ", ", ",", "\"", "\\", "=",
            $"request=\"{Base64Url.EncodeText("""{"amount":"10","currency":"usd"}""")}\"", "request=\"intent\"", "request=e30",
            "expires=\"2099-01-01T00:00:00Z\"", "expires=\"nope\"", "header=\"X\"", "Bearer ", "digest=\"sha-256=:AA==:\"",
        ];
        var valid = Challenge("""{"amount":"10","currency":"usd"}""");
        string Mutate()
        {
            var h = valid;
            for (var m = random.Next(0, 3); m > 0; m--)
            {
                var at = random.Next(h.Length + 1);
                h = random.Next(2) == 0
                    ? h.Insert(at, pieces[random.Next(pieces.Length)])
                    : h.Remove(Math.Min(at, h.Length - 1), Math.Min(random.Next(1, 6), h.Length - Math.Min(at, h.Length - 1)));
            }

            return h;
        }

        // Half are random piece soups, half are mutations of a valid challenge (some of which stay payable).
        var headers = Enumerable.Range(0, 200).Select(k => k % 2 == 0
            ? string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]))
            : Mutate()).ToArray();
        _server.MapHandler("/random", async ctx =>
        {
            if (ctx.Request.Headers.Authorization.Count > 0)
            {
                await ctx.Response.WriteAsync("paid");
                return;
            }

            ctx.Response.StatusCode = 402;
            ctx.Response.Headers.Append("WWW-Authenticate", headers[int.Parse(ctx.Request.Query["i"]!, System.Globalization.CultureInfo.InvariantCulture)]);
        });
        await using var client = PayingClient.Create();

        for (var i = 0; i < headers.Length; i++)
        {
            using var response = await client.Http.GetAsync(_server.Url($"/random?i={i}"));
            var outcome = response.GetPaymentOutcome()!;
            Assert.True(
                (response.StatusCode == HttpStatusCode.OK && outcome.Status == PaymentStatus.Paid)
                || (response.StatusCode == HttpStatusCode.PaymentRequired && outcome.Status == PaymentStatus.Refused),
                $"{headers[i]} -> {response.StatusCode} {outcome}");
        }

        Assert.True(client.Method.PayloadsCreated > 0, "no random header was payable: the test would prove nothing");
        Assert.Equal(client.Method.PayloadsCreated * 0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task Random_answers_to_a_credential_never_throw_and_never_undercount()
    {
        var random = new Random(11);
        var challenge = Challenge("""{"amount":"10","currency":"usd"}""");
        string[] receipts = ["", "garbage!!", Base64Url.EncodeText("[]"), Base64Url.EncodeText("""{"status":"success"}"""),
            new PaymentReceipt("success", "test", "2026-01-01T00:00:00Z", "ref").Serialize(), Base64Url.EncodeText("""{"status":"failed","method":"test","reference":"r","timestamp":"2026-01-01T00:00:00Z"}""")];
        string[] problems = ["", "{", "[]", """{"type":"https://paymentauth.org/problems/verification-failed"}""", """{"type":"https://paymentauth.org/problems/payment-insufficient"}""",
            """{"type":"https://paymentauth.org/problems/invalid-challenge","status":"402"}""", """{"type":42}"""];
        int[] statuses = [200, 201, 204, 402, 402, 402, 403, 404, 500, 502, 503, 504];
        _server.MapHandler("/hostile", async ctx =>
        {
            ctx.Response.Headers.Append("WWW-Authenticate", challenge);
            if (ctx.Request.Headers.Authorization.Count == 0)
            {
                ctx.Response.StatusCode = 402;
                return;
            }

            int status;
            string receipt, problem;
            lock (random)
            {
                status = statuses[random.Next(statuses.Length)];
                receipt = receipts[random.Next(receipts.Length)];
                problem = problems[random.Next(problems.Length)];
            }

            ctx.Response.StatusCode = status;
            if (receipt.Length > 0)
            {
                ctx.Response.Headers.Append("Payment-Receipt", receipt);
            }

            if (status != 204 && problem.Length > 0)
            {
                ctx.Response.ContentType = "application/problem+json";
                await ctx.Response.WriteAsync(problem);
            }
        });
        await using var client = PayingClient.Create(o => o.Retry.MaxRetryAttempts = 1);

        var paid = 0;
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.Http.GetAsync(_server.Url("/hostile"));
            var outcome = response.GetPaymentOutcome();
            Assert.NotNull(outcome);
            if (outcome!.Status == PaymentStatus.Paid)
            {
                paid++;
            }
        }

        var spent = await client.SpentAsync();
        Assert.True(spent >= paid * 0.10m, $"{spent} counted for {paid} paid");
        Assert.True(spent <= client.Method.PayloadsCreated * 0.10m);
    }

    [Theory]
    [InlineData("/loop")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("http://[::1")]
    [InlineData("")]
    public async Task Hostile_redirects_end_in_a_response_not_an_exception(string location)
    {
        _server.MapHandler("/loop", ctx =>
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = location;
            return Task.CompletedTask;
        });
        await using var client = PayingClient.Create(o => o.MaxRedirects = 5);

        using var response = await client.Http.GetAsync(_server.Url("/loop"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.True(_server.Requests.Count <= 6);
        Assert.Equal(0, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task A_wallet_failure_is_an_outcome_by_default_and_the_reservation_is_released()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var wallet = new TestPaymentMethod { OnCreatePayload = (_, _) => throw new InvalidOperationException("wallet locked: key=0xSECRET") };
        await using var client = PayingClient.Create(method: wallet);

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.Contains("TestPaymentMethod", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", outcome.ToString(), StringComparison.Ordinal); // the wallet's own message may hold secrets
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task A_wallet_failure_throws_a_typed_error_with_ThrowOnPaymentFailure()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var wallet = new TestPaymentMethod { OnCreatePayload = (_, _) => throw new InvalidOperationException("wallet locked: key=0xSECRET") };
        await using var client = PayingClient.Create(o => o.ThrowOnPaymentFailure = true, method: wallet);

        var ex = await Assert.ThrowsAsync<PaymentException>(() => client.Http.GetAsync(_server.Url("/paid")));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, ex.Code);
        Assert.IsType<InvalidOperationException>(ex.InnerException); // the cause stays on the exception only
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task Cancelling_while_the_wallet_signs_releases_the_reservation()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        using var cts = new CancellationTokenSource();
        var wallet = new TestPaymentMethod
        {
            OnCreatePayload = async (_, ct) =>
            {
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
            },
        };
        await using var client = PayingClient.Create(method: wallet);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Http.GetAsync(_server.Url("/paid"), cts.Token));

        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task Plain_http_to_a_remote_host_is_refused_unless_allowed()
    {
        var challenge = Challenge("""{"amount":"10","currency":"usd"}""");
        await using (var refused = PayingClient.Create(services: s => s.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => Mock(challenge)))))
        {
            using var response = await refused.Http.GetAsync(new Uri("http://api.example.com/paid"));
            Assert.Equal(MppErrorCode.InsecureTransport, response.GetPaymentOutcome()!.Code);
            Assert.Equal(0, refused.Method.PayloadsCreated);
        }

        await using var allowed = PayingClient.Create(o => o.AllowInsecureHttp = true, services: s => s.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => Mock(challenge))));
        using var paid = await allowed.Http.GetAsync(new Uri("http://api.example.com/paid"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(1, allowed.Method.PayloadsCreated);
    }

    private static MockHttpMessageHandler Mock(string challenge)
    {
        var mock = new MockHttpMessageHandler();
        mock.When("http://api.example.com/paid")
            .With(r => r.Headers.Authorization?.Scheme == "Payment")
            .Respond(HttpStatusCode.OK, "text/plain", "paid");
        mock.When("http://api.example.com/paid")
            .Respond(_ =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.PaymentRequired);
                response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
                return response;
            });
        return mock;
    }

    [Fact]
    public async Task The_outcome_is_readable_even_when_the_primary_handler_does_not_link_responses_to_requests()
    {
        var challenge = Challenge("""{"amount":"10","currency":"usd"}""");
        await using var client = PayingClient.Create(services: s => s.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => new UnlinkedHandler(challenge))));

        using var response = await client.Http.GetAsync(new Uri("https://api.example.com/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()?.Status);
    }

    private sealed class UnlinkedHandler(string challenge) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is null)
            {
                var r = new HttpResponseMessage(HttpStatusCode.PaymentRequired);
                r.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
                return Task.FromResult(r);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)); // RequestMessage left null on purpose
        }
    }

    [Fact]
    public async Task A_throwing_observer_neither_stops_the_payment_nor_double_pays()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        await using var client = PayingClient.Create(build: b => b.AddObserver(new ThrowingObserver()));

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, client.Method.PayloadsCreated);
        Assert.Equal(0.10m, await client.SpentAsync());
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Message.Contains("observer", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class ThrowingObserver : IPaymentObserver
    {
        public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");

        public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken) => throw new OperationCanceledException();

        public ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    [Fact]
    public async Task A_configuration_reload_changes_the_budget_live()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mpp:Budget:PerDay:usd"] = "0.05" }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod());
        await using var sp = services.BuildServiceProvider();
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient();

        using (var refused = await http.GetAsync(_server.Url("/paid")))
        {
            Assert.Equal(MppErrorCode.BudgetExceeded, refused.GetPaymentOutcome()!.Code);
        }

        configuration["Mpp:Budget:PerDay:usd"] = "1";
        configuration.Reload();

        using var paid = await http.GetAsync(_server.Url("/paid"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
    }
}
