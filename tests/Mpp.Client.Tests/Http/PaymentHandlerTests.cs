using Microsoft.AspNetCore.Http;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Http;

/// <summary>The handler against a real MPP server on 127.0.0.1 (Kestrel), with real challenge ids and credentials.</summary>
public sealed class PaymentHandlerTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_free_response_passes_through_untouched()
    {
        _server.MapFree("/free", "hello");
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/free"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Null(response.GetPaymentOutcome());
        Assert.Equal(0, client.Method.PayloadsCreated);
        var seen = Assert.Single(_server.Requests);
        Assert.False(seen.HasCredential);
        Assert.Equal("test/charge", seen.AcceptPayment);
    }

    [Theory]
    [InlineData("api.example.com", null)]
    [InlineData("127.0.0.1", "test/charge")]
    public async Task Accept_Payment_is_only_sent_to_allowed_hosts(string allowed, string? expected)
    {
        _server.MapFree("/free", "hello");
        await using var client = PayingClient.Create(o => o.AllowedHosts.Add(allowed));

        using var response = await client.Http.GetAsync(_server.Url("/free"));

        Assert.Equal(expected, Assert.Single(_server.Requests).AcceptPayment);
    }

    [Fact]
    public async Task A_402_is_paid_once_the_receipt_is_attached_and_the_ledger_settled()
    {
        _server.MapPaid("/paid", new PriceOption("25"));
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(1, outcome.Rounds);
        Assert.Equal(0.25m, outcome.Quote!.DisplayAmount);
        Assert.Equal("acct_test", outcome.Quote.Recipient);
        var receipt = response.GetPaymentReceipt()!;
        Assert.Equal("success", receipt.Status);
        Assert.Equal(_server.Payments.Single().Reference, receipt.Reference);
        Assert.Equal(1, client.Method.PayloadsCreated);
        Assert.Equal(0.25m, await client.SpentAsync());
        Assert.Equal(25, (int)_server.SettledTotal("usd"));
    }

    public static TheoryData<string> BodyKinds => new() { "string", "bytes", "json", "seekable-stream", "form", "multipart" };

    [Theory]
    [MemberData(nameof(BodyKinds))]
    public async Task The_body_paid_for_is_the_body_resent(string kind)
    {
        _server.MapPaid("/upload", new PaidRouteOptions { Prices = [new PriceOption("10")], HttpMethods = ["POST"] });
        await using var client = PayingClient.Create();
        HttpContent content = kind switch
        {
            "string" => new StringContent("""{"q":"weather"}""", Encoding.UTF8, "application/json"),
            "bytes" => new ByteArrayContent([1, 2, 3, 4, 5]),
            "json" => JsonContent.Create(new { q = "weather", n = 3 }),
            "seekable-stream" => new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("stream body"))),
            "form" => new FormUrlEncodedContent([new("a", "1"), new("b", "two")]),
            _ => new MultipartFormDataContent { { new StringContent("part"), "field" } },
        };

        using var response = await client.Http.PostAsync(_server.Url("/upload"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
        var (first, paid) = (_server.Requests[0], _server.Requests[1]);
        Assert.False(first.HasCredential);
        Assert.True(paid.HasCredential);
        Assert.True(paid.Body.Length > 0);
        Assert.Equal(first.Body.ToArray(), paid.Body.ToArray());
        Assert.Equal(1, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task A_one_shot_stream_body_is_refused_with_a_clear_error_and_nothing_is_paid()
    {
        _server.MapPaid("/upload", new PaidRouteOptions { Prices = [new PriceOption("10")], HttpMethods = ["POST"] });
        await using var client = PayingClient.Create();

        var ex = await Assert.ThrowsAsync<PaymentException>(() =>
            client.Http.PostAsync(_server.Url("/upload"), new StreamContent(new OneShotStream(Encoding.UTF8.GetBytes("once")))));

        Assert.Equal(MppErrorCode.BodyNotReplayable, ex.Code);
        Assert.Contains("cannot be sent again", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_body_that_changes_between_sends_fails_the_digest_check_before_signing()
    {
        _server.MapPaid("/upload", new PaidRouteOptions { Prices = [new PriceOption("10")], HttpMethods = ["POST"] });
        await using var client = PayingClient.Create();

        using var response = await client.Http.PostAsync(_server.Url("/upload"), new ChangingContent());

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.DigestMismatch, outcome.Code);
        Assert.Equal(0, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task A_challenge_selecting_Payment_Authorization_keeps_the_bearer_token()
    {
        _server.MapPaid("/both", PriceOption.WithPaymentAuthorization("10"));
        await using var client = PayingClient.Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/both"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "user-token");

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paid = _server.Requests[^1];
        Assert.Equal(["Payment-Authorization"], paid.CredentialHeaders);
        Assert.Equal("Bearer user-token", paid.Headers["Authorization"]);
    }

    [Fact]
    public async Task Unpayable_challenges_are_passed_over_and_a_payable_one_is_paid()
    {
        _server.MapPaid("/multi", new PaidRouteOptions
        {
            Prices = [new PriceOption("10") { Method = "tempo" }, new PriceOption("5", "doge"), new PriceOption("7")],
            ChallengeHeaderStyle = ChallengeHeaderStyle.SingleField,
            HonorAcceptPayment = false,
        });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/multi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(0.07m, outcome.Quote!.DisplayAmount);
        Assert.Equal(2, outcome.Rejections.Count);
        Assert.Contains(outcome.Rejections, r => r.Reason.Contains("No registered payment method", StringComparison.Ordinal));
        Assert.Contains(outcome.Rejections, r => r.Reason.Contains("unknown", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "test")]
    [InlineData(true, "alt")]
    public async Task Preferences_order_the_challenges_before_server_order(bool withPreferences, string expectedMethod)
    {
        var options = new MppTestServerOptions();
        options.AddVerifier("alt", _ => PaymentVerificationResult.Success("alt-ref"));
        await using var server = await MppTestServer.StartAsync(options);
        server.MapPaid("/prefs", new PaidRouteOptions
        {
            Prices = [new PriceOption("20"), new PriceOption("10") { Method = "alt" }],
            HonorAcceptPayment = false, // the order seen by the client is the server's
        });
        await using var client = PayingClient.Create(
            o =>
            {
                if (withPreferences)
                {
                    o.Preferences.AddRange(["alt/charge", "test/*;q=0.5"]);
                }
            },
            build: b => b.AddPaymentMethod(new NamedMethod("alt")));

        using var response = await client.Http.GetAsync(server.Url("/prefs"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedMethod, response.GetPaymentOutcome()!.Quote!.Method);
        Assert.Equal(withPreferences ? "alt/charge, test/charge;q=0.5" : "test/charge, alt/charge", server.Requests[0].AcceptPayment);
    }

    [Fact]
    public async Task A_connection_reset_after_the_credential_resends_the_same_credential()
    {
        var credentials = MapHandRolledPaidRoute("/reset", async (ctx, attempt) =>
        {
            if (attempt == 1)
            {
                ctx.Abort(); // connection reset mid-request
                return;
            }

            await ctx.Response.WriteAsync("ok");
        });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/reset"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, credentials.Count);
        Assert.Equal(credentials[0], credentials[1]);
        Assert.Equal(1, client.Method.PayloadsCreated);
        Assert.Equal(0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task An_expired_challenge_is_not_paid()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        await using var client = PayingClient.Create(services: s => s.AddSingleton<TimeProvider>(clock));

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Contains("expired", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task A_rejected_credential_gets_one_more_round_then_the_402_is_returned_and_nothing_counted()
    {
        _server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedVerificationFailures = 5 });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/flaky"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Rejected, outcome.Status);
        Assert.Equal(PaymentProblemType.VerificationFailed, outcome.Problem!.Kind);
        Assert.Equal(2, outcome.Rounds);
        Assert.Equal(2, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
        Assert.Contains("verification-failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal); // body still readable
    }

    [Fact]
    public async Task A_second_round_pays_a_fresh_challenge_when_the_first_was_not_taken()
    {
        _server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedVerificationFailures = 1 });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/flaky"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, response.GetPaymentOutcome()!.Rounds);
        Assert.Equal(0.10m, await client.SpentAsync());
        Assert.Single(_server.Payments);
    }

    [Fact]
    public async Task Transient_failures_resend_the_same_credential_and_idempotency_key_never_a_new_payment()
    {
        _server.MapPaid("/busy", new PaidRouteOptions { Prices = [new PriceOption("10")], HttpMethods = ["POST"], ForcedStatusAttempts = 2, ForcedStatusCode = 503 });
        await using var client = PayingClient.Create();

        using var response = await client.Http.PostAsync(_server.Url("/busy"), new StringContent("order"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, client.Method.PayloadsCreated);
        var paid = _server.Requests.Where(r => r.HasCredential).ToList();
        Assert.Equal(3, paid.Count);
        Assert.Single(paid.Select(r => r.Headers["Authorization"]).Distinct());
        var key = Assert.Single(paid.Select(r => r.IdempotencyKey).Distinct());
        Assert.False(string.IsNullOrEmpty(key));
        Assert.Equal(0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task With_retries_off_a_transient_failure_is_returned_at_once_and_stays_counted()
    {
        _server.MapPaid("/down", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedStatusAttempts = 100, ForcedStatusCode = 503 });
        await using var client = PayingClient.Create(o => o.Retry.MaxRetryAttempts = 0);

        using var response = await client.Http.GetAsync(_server.Url("/down"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(PaymentStatus.Unknown, response.GetPaymentOutcome()!.Status);
        Assert.Equal(1, _server.Requests.Count(r => r.HasCredential));
        Assert.Equal(0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task When_transient_retries_run_out_the_outcome_is_unknown_and_stays_counted()
    {
        _server.MapPaid("/down", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedStatusAttempts = 100, ForcedStatusCode = 502 });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/down"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(PaymentStatus.Unknown, response.GetPaymentOutcome()!.Status);
        Assert.Equal(1, client.Method.PayloadsCreated);
        Assert.Equal(3, _server.Requests.Count(r => r.HasCredential)); // 1 + 2 retries
        Assert.Equal(0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task A_paid_attempt_that_times_out_is_resent_with_the_same_credential()
    {
        var credentials = MapHandRolledPaidRoute("/slow", async (ctx, attempt) =>
        {
            if (attempt == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await ctx.Response.WriteAsync("ok");
        });
        await using var client = PayingClient.Create(o => o.Retry.AttemptTimeout = TimeSpan.FromMilliseconds(300));

        using var response = await client.Http.GetAsync(_server.Url("/slow"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, credentials.Count);
        Assert.Equal(credentials[0], credentials[1]);
        Assert.Equal(1, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task The_caller_idempotency_key_is_kept_and_get_requests_get_none()
    {
        _server.MapPaid("/paid", new PaidRouteOptions { Prices = [new PriceOption("10")], HttpMethods = ["GET", "POST"] });
        await using var client = PayingClient.Create();
        using var post = new HttpRequestMessage(HttpMethod.Post, _server.Url("/paid")) { Content = new StringContent("x") };
        post.Headers.Add("Idempotency-Key", "caller-key-1");

        using var r1 = await client.Http.SendAsync(post);
        using var r2 = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal("caller-key-1", _server.Requests[1].IdempotencyKey);
        Assert.Null(_server.Requests[3].IdempotencyKey);
    }

    [Fact]
    public async Task A_402_reached_through_a_redirect_to_another_origin_is_not_paid()
    {
        await using var other = await MppTestServer.StartAsync();
        other.MapPaid("/target", new PriceOption("10"));
        _server.MapRedirect("/go", other.Url("/target").ToString());
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/go"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.CrossOriginRefused, outcome.Code);
        Assert.Contains("Refusing to send payment credential across redirect", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Requests, r => r.HasCredential);
        Assert.Equal(0, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task A_same_origin_redirect_is_followed_and_paid()
    {
        _server.MapPaid("/target", new PriceOption("10"));
        _server.MapRedirect("/go", "/target", 307);
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/go"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
    }

    [Fact]
    public async Task A_credential_never_follows_a_redirect_of_the_paid_response()
    {
        await using var other = await MppTestServer.StartAsync();
        other.MapFree("/done", "done");
        _server.MapPaid("/pay-then-redirect", new PaidRouteOptions { Prices = [new PriceOption("10")], RedirectAfterPayment = other.Url("/done").ToString() });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/pay-then-redirect"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        var hop = Assert.Single(other.Requests);
        Assert.False(hop.HasCredential);
        Assert.False(hop.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task A_rejection_from_another_origin_after_a_paid_redirect_does_not_release_the_payment()
    {
        await using var other = await MppTestServer.StartAsync();
        other.MapHandler("/elsewhere", async ctx =>
        {
            // A hostile origin claims the payment failed, hoping the payer releases it and pays again.
            ctx.Response.StatusCode = 402;
            ctx.Response.ContentType = "application/problem+json";
            await ctx.Response.WriteAsync("""{"type":"https://paymentauth.org/problems/verification-failed","title":"Verification Failed","status":402}""");
        });
        _server.MapPaid("/pay-then-elsewhere", new PaidRouteOptions { Prices = [new PriceOption("10")], RedirectAfterPayment = other.Url("/elsewhere").ToString() });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/pay-then-elsewhere"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(1, client.Method.PayloadsCreated);   // the other origin is never paid
        Assert.Single(_server.Payments);                   // the first origin took the money ...
        Assert.Equal(0.10m, await client.SpentAsync());    // ... and it stays counted
    }

    [Fact]
    public async Task QuoteOnly_returns_the_quote_without_paying_and_Disabled_returns_the_402_untouched()
    {
        _server.MapPaid("/paid", new PriceOption("42"));
        await using var client = PayingClient.Create();

        using var quoteRequest = new HttpRequestMessage(HttpMethod.Get, _server.Url("/paid")).SetPaymentMode(PaymentMode.QuoteOnly);
        using var quoted = await client.Http.SendAsync(quoteRequest);
        using var plainRequest = new HttpRequestMessage(HttpMethod.Get, _server.Url("/paid")).SetPaymentMode(PaymentMode.Disabled);
        using var plain = await client.Http.SendAsync(plainRequest);

        Assert.Equal(HttpStatusCode.PaymentRequired, quoted.StatusCode);
        Assert.Equal(PaymentStatus.Quoted, quoted.GetPaymentOutcome()!.Status);
        Assert.Equal(0.42m, quoted.GetPaymentOutcome()!.Quote!.DisplayAmount);
        Assert.Equal(HttpStatusCode.PaymentRequired, plain.StatusCode);
        Assert.Null(plain.GetPaymentOutcome());
        Assert.Equal(0, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Theory]
    [InlineData("5", "usd", true)]
    [InlineData("6", "usd", false)]
    [InlineData("5", "eur", false)]
    public async Task A_request_can_cap_what_it_pays(string amount, string currency, bool paid)
    {
        _server.MapPaid("/capped", new PriceOption(amount, currency));
        await using var client = PayingClient.Create(o => o.Budget.PerDay["eur"] = "100");
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/capped")).SetMaxPayment(0.05m, "USD");

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(paid ? HttpStatusCode.OK : HttpStatusCode.PaymentRequired, response.StatusCode);
        if (!paid)
        {
            Assert.Contains("this request", response.GetPaymentOutcome()!.Reason, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, client.Method.PayloadsCreated);
        }
    }

    [Fact]
    public async Task ThrowOnPaymentFailure_throws_a_typed_exception_with_the_outcome()
    {
        _server.MapPaid("/dear", new PriceOption("5000"));
        await using var client = PayingClient.Create(o => { o.ThrowOnPaymentFailure = true; o.Budget.PerRequest["usd"] = "1"; });

        var ex = await Assert.ThrowsAsync<PaymentException>(() => client.Http.GetAsync(_server.Url("/dear")));

        Assert.Equal(MppErrorCode.BudgetExceeded, ex.Code);
        Assert.Equal(PaymentStatus.Refused, ex.Outcome!.Status);
        Assert.Contains("PerRequest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approver_can_veto_and_nothing_is_signed_or_counted()
    {
        _server.MapPaid("/paid", new PriceOption("60"));
        await using var client = PayingClient.Create(build: b => b.AddApprover(new ApproveBelow(0.50m)));

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(MppErrorCode.ApprovalDenied, response.GetPaymentOutcome()!.Code);
        Assert.Equal(0, client.Method.PayloadsCreated);
        Assert.Equal(0m, await client.SpentAsync());
    }

    [Fact]
    public async Task Observers_see_every_event_in_order()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        _server.MapPaid("/dear", new PriceOption("100000"));
        var observer = new RecordingObserver();
        await using var client = PayingClient.Create(o => o.Budget.PerRequest["usd"] = "1", build: b => b.AddObserver(observer));

        using var ok = await client.Http.GetAsync(_server.Url("/paid"));
        using var refused = await client.Http.GetAsync(_server.Url("/dear"));

        Assert.Equal(["challenge", "credential", "succeeded", "challenge", "failed"], observer.Events);
    }

    [Fact]
    public async Task No_log_line_of_a_paid_flow_contains_the_credential_or_payload()
    {
        _server.MapPaid("/paid", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedVerificationFailures = 1 });
        var wire = new CredentialRecorder();
        await using var client = PayingClient.Create(services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => wire)));

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var credentials = wire.Credentials;
        Assert.Equal(2, credentials.Count);
        var logs = client.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        foreach (var record in logs)
        {
            var text = record.Message + " " + string.Join(" ", record.StructuredState?.Select(kv => kv.Value) ?? []) + " " + record.Exception;
            foreach (var credential in credentials)
            {
                Assert.False(text.Contains(credential[..24], StringComparison.Ordinal), $"{record.Category}: {text}");
            }

            Assert.DoesNotContain(client.Method.Token, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_count_payments_amounts_and_failures()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        _server.MapPaid("/dear", new PriceOption("100000"));
        await using var client = PayingClient.Create(o => o.Budget.PerRequest["usd"] = "1");
        var factory = client.Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var payments = new MetricCollector<long>(factory, "Mpp.Client", "mpp.client.payments");
        using var amount = new MetricCollector<double>(factory, "Mpp.Client", "mpp.client.payment.amount");
        using var failures = new MetricCollector<long>(factory, "Mpp.Client", "mpp.client.payment.failures");

        using var ok = await client.Http.GetAsync(_server.Url("/paid"));
        using var refused = await client.Http.GetAsync(_server.Url("/dear"));

        var p = Assert.Single(payments.GetMeasurementSnapshot());
        Assert.Equal(1, p.Value);
        Assert.Equal("usd", p.Tags["unit"]);
        Assert.Equal(0.10, Assert.Single(amount.GetMeasurementSnapshot()).Value, 6);
        Assert.Equal("BudgetExceeded", Assert.Single(failures.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact]
    public async Task A_payment_is_traced_by_the_Mpp_Client_activity_source()
    {
        _server.MapPaid("/traced", new PriceOption("10"));
        var stopped = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Mpp.Client",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/traced"));

        System.Diagnostics.Activity activity;
        lock (stopped)
        {
            activity = stopped.Single(a => a.OperationName == "mpp.payment" && (string?)a.GetTagItem("mpp.origin") == _server.BaseAddress.GetLeftPart(UriPartial.Authority));
        }

        Assert.Equal("test", activity.GetTagItem("mpp.method"));
        Assert.Equal("usd", activity.GetTagItem("mpp.unit"));
    }

    [Fact]
    public async Task A_thousand_concurrent_paid_requests_never_overspend_the_cap()
    {
        _server.MapPaid("/cheap", new PriceOption("1"));
        await using var client = PayingClient.Create(o => o.Budget.PerDay["usd"] = "3.00");

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var r = await client.Http.GetAsync(_server.Url("/cheap"));
            return r.StatusCode;
        }));

        Assert.Equal(300, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(700, responses.Count(s => s == HttpStatusCode.PaymentRequired));
        Assert.Equal(300, (int)_server.SettledTotal("usd"));
        Assert.Equal(3.00m, await client.SpentAsync());
        Assert.Equal(300, client.Method.PayloadsCreated);
    }

    [Fact]
    public async Task A_default_and_a_per_client_handler_together_pay_only_once()
    {
        _server.MapPaid("/paid", new PaidRouteOptions { Prices = [new PriceOption("10")], ForcedVerificationFailures = 5 });
        var method = new TestPaymentMethod();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "1").AddPaymentMethod(method);
        services.AddHttpClient("named").AddMppPayments();
        await using var sp = services.BuildServiceProvider();

        using var response = await sp.GetRequiredService<IHttpClientFactory>().CreateClient("named").GetAsync(_server.Url("/paid"));

        Assert.Equal(2, method.PayloadsCreated); // the bounded rounds of one handler, not four
    }

    [Fact]
    public async Task A_typed_client_can_opt_in_alone()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var services = new ServiceCollection();
        services.AddMpp(o => o.Budget.PerDay["usd"] = "1").AddPaymentMethod(new TestPaymentMethod());
        services.AddHttpClient<TypedApi>().AddMppPayments();
        services.AddHttpClient("plain");
        await using var sp = services.BuildServiceProvider();

        using var paid = await sp.GetRequiredService<TypedApi>().Http.GetAsync(_server.Url("/paid"));
        using var unpaid = await sp.GetRequiredService<IHttpClientFactory>().CreateClient("plain").GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, unpaid.StatusCode);
    }

    [Fact]
    public async Task A_handler_created_without_dependency_injection_pays_and_validates_its_options()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var wallet = new TestPaymentMethod();
        using (var http = new HttpClient(PaymentHandler.Create(o => o.Budget.PerDay["usd"] = "1", mpp => mpp.AddPaymentMethod(wallet))))
        {
            using var response = await http.GetAsync(_server.Url("/paid"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        }

        Assert.Equal(1, wallet.PayloadsCreated);
        var invalid = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            PaymentHandler.Create(o => o.Budget.PerDay["usd"] = "ten", _ => { }));
        Assert.Contains("ten", invalid.Message, StringComparison.Ordinal);
    }

    public sealed class TypedApi(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    /// <summary>
    /// A route that answers 402 with a fixed 0.10 usd test challenge, records every credential it receives, and lets the
    /// test decide what each paid attempt (1, 2, ...) gets.
    /// </summary>
    private List<string> MapHandRolledPaidRoute(string path, Func<HttpContext, int, Task> onPaidAttempt)
    {
        var challenge = $"Payment id=\"{path.Trim('/')}-1\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"{Base64Url.EncodeText("""{"amount":"10","currency":"usd"}""")}\"";
        var credentials = new List<string>();
        _server.MapHandler(path, async ctx =>
        {
            var auth = ctx.Request.Headers.Authorization.ToString();
            if (auth.Length == 0)
            {
                ctx.Response.StatusCode = 402;
                ctx.Response.Headers.WWWAuthenticate = challenge;
                return;
            }

            int attempt;
            lock (credentials)
            {
                credentials.Add(auth);
                attempt = credentials.Count;
            }

            await onPaidAttempt(ctx, attempt);
        });
        return credentials;
    }

    private sealed class NamedMethod(string name) : IPaymentMethod
    {
        public string Method { get; } = name;

        public IReadOnlyCollection<string> Intents { get; } = ["charge"];

        public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new PaymentPayload(System.Text.Json.JsonDocument.Parse("""{"ok":true}""").RootElement));
    }

    private sealed class ApproveBelow(decimal max) : IPaymentApprover
    {
        public ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken) =>
            ValueTask.FromResult(quote.DisplayAmount < max ? ApprovalDecision.Approve() : ApprovalDecision.Deny($"{quote.DisplayAmount} is not below {max}"));
    }

    private sealed class RecordingObserver : IPaymentObserver
    {
        public List<string> Events { get; } = [];

        public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken) { Events.Add("challenge"); return default; }

        public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken) { Events.Add("credential"); return default; }

        public ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken) { Events.Add("succeeded"); return default; }

        public ValueTask OnPaymentFailedAsync(PaymentOutcome outcome, CancellationToken cancellationToken) { Events.Add("failed"); return default; }
    }

    private sealed class CredentialRecorder : DelegatingHandler
    {
        public List<string> Credentials { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is { Scheme: "Payment" } auth)
            {
                Credentials.Add(auth.Parameter!);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class OneShotStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private sealed class ChangingContent : HttpContent
    {
        private int _serializations;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes($"body #{Interlocked.Increment(ref _serializations)}")).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 7;
            return true;
        }
    }
}
