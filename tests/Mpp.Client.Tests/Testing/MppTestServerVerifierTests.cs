using System.Collections.Concurrent;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using static Mpp.Client.Tests.Testing.TestServerHelpers;

namespace Mpp.Client.Tests.Testing;

/// <summary><see cref="ITestPaymentVerifier"/>s plugged into a real <see cref="MppTestServer"/>, paid with a real HttpClient.</summary>
public sealed class MppTestServerVerifierTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_async_verifier_writes_a_fresh_request_per_challenge_and_verifies_each_credential_against_its_own()
    {
        var time = new FakeTimeProvider(Start);
        var verifier = new InvoiceVerifier();
        await using var server = await StartAsync(time, o => o.AddVerifier(verifier));
        var route = server.MapPaid("/ln", new PriceOption("25", "sat") { Method = "lightning", Recipient = null });
        using var http = CreateClient(server);

        var first = await ChallengeForAsync(http, "/ln");
        var second = await ChallengeForAsync(http, "/ln");

        // Each 402 carries its own invoice, on top of the price's members, bound by the challenge id.
        var firstInvoice = Invoice(first);
        var secondInvoice = Invoice(second);
        Assert.NotEqual(firstInvoice, secondInvoice);
        Assert.Equal("25", first.Request.GetProperty("amount").GetString());
        Assert.Equal("sat", first.Request.GetProperty("currency").GetString());
        Assert.All(new[] { first, second }, c => Assert.True(ChallengeId.Verify(Secret, c)));
        Assert.Equal(2, server.ChallengesIssued);

        // The verifier saw the route, the price and the challenge's expiry.
        var context = verifier.RequestContexts.First();
        Assert.Equal("/ln", context.Path);
        Assert.Equal("lightning", context.Price.Method);
        Assert.Equal(Start.AddMinutes(5), context.Expires);

        // The second invoice's preimage does not pay the first challenge; each pays its own.
        using var crossed = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(first, verifier.PreimageOf(secondInvoice))));
        var problem = await AssertRefusedAsync(crossed, PaymentProblemType.VerificationFailed);
        Assert.Equal("The preimage does not pay this challenge's invoice.", problem.Detail);
        Assert.NotEqual(Invoice(SingleChallenge(crossed)), firstInvoice); // the refusal's fresh challenge has a fresh invoice

        using var paidSecond = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(second, verifier.PreimageOf(secondInvoice))));
        using var paidFirst = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(first, verifier.PreimageOf(firstInvoice))));

        Assert.Equal(HttpStatusCode.OK, paidSecond.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paidFirst.StatusCode);
        Assert.Equal(Hash(verifier.PreimageOf(secondInvoice)), PaymentReceipt.Parse(Header(paidSecond, "Payment-Receipt")!).Reference);
        Assert.Equal([second.Id, first.Id], server.Payments.Select(p => p.ChallengeId));
        Assert.Equal(new BigInteger(50), server.SettledTotal("sat"));
        Assert.Equal(2, route.ExecutionCount);
        Assert.All(verifier.VerifyContexts, c => Assert.Equal(("/ln", "25", Start), (c.Path, c.Price.Amount, c.TimeProvider.GetUtcNow())));
    }

    [Fact]
    public async Task A_verifier_can_await_a_fake_node_on_loopback()
    {
        await using var node = await FakeLightningNode.StartAsync();
        using var nodeClient = new HttpClient { BaseAddress = node.BaseAddress };
        await using var server = await StartAsync(configure: o => o.AddVerifier(new NodeVerifier(nodeClient)));
        server.MapPaid("/ln", new PriceOption("1000", "sat") { Method = "lightning", Recipient = null });
        using var http = CreateClient(server);

        var challenge = await ChallengeForAsync(http, "/ln");
        var invoice = Invoice(challenge);
        using var unpaid = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(challenge, "00")));
        await AssertRefusedAsync(unpaid, PaymentProblemType.VerificationFailed);

        var fresh = SingleChallenge(unpaid);
        var preimage = await node.PayAsync(Invoice(fresh));
        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(fresh, preimage)));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal("settled:" + Invoice(fresh), PaymentReceipt.Parse(Header(paid, "Payment-Receipt")!).Reference);
        Assert.NotEqual(invoice, Invoice(fresh));

        // The node saw every call: an invoice per challenge, a lookup per credential verified.
        Assert.Equal(
            ["POST /invoices", "GET /lookup", "POST /invoices", "POST /pay", "GET /lookup"],
            node.Server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task Receipt_extras_are_written_beside_the_standard_members()
    {
        var time = new FakeTimeProvider(Start);
        var extra = new Dictionary<string, JsonElement>
        {
            ["intent"] = Json("\"session\""),
            ["channelId"] = Json("\"0xchan\""),
            ["spent"] = Json("\"250\""),
            ["units"] = Json("5"),
        };
        var result = PaymentVerificationResult.Success("0xchan", extra);
        extra["spent"] = Json("\"999\""); // the result keeps a copy
        await using var server = await StartAsync(time, o => o.AddVerifier("tempo", _ => result));
        server.MapPaid("/metered", new PriceOption("50") { Method = "tempo", ExtraRequest = new Dictionary<string, JsonElement> { ["externalId"] = Json("\"order-1\"") } });
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/metered");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/metered", Credential.Create(challenge, Json("{}")).ToHeaderValue()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = PaymentReceipt.Parse(Header(response, "Payment-Receipt")!);
        Assert.Equal(("success", "tempo", "2026-03-01T12:00:00Z", "0xchan", "order-1"), (receipt.Status, receipt.Method, receipt.Timestamp, receipt.Reference, receipt.ExternalId));
        Assert.Equal(challenge.Id, receipt.Extra["challengeId"].GetString());
        Assert.Equal("session", receipt.Extra["intent"].GetString());
        Assert.Equal("0xchan", receipt.Extra["channelId"].GetString());
        Assert.Equal("250", receipt.Extra["spent"].GetString());
        Assert.Equal(5, receipt.Extra["units"].GetInt32());
        Assert.Equal(5, receipt.Extra.Count);
    }

    [Fact]
    public async Task The_built_in_test_method_receipt_carries_the_challenge_id_and_no_other_extra()
    {
        await using var server = await StartAsync();
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(challenge)));

        var receipt = PaymentReceipt.Parse(Header(response, "Payment-Receipt")!);
        Assert.Equal(challenge.Id, Assert.Single(receipt.Extra, e => e.Key == "challengeId").Value.GetString());
        Assert.Single(receipt.Extra);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("method")]
    [InlineData("timestamp")]
    [InlineData("reference")]
    [InlineData("externalId")]
    [InlineData("challengeId")]
    public async Task Receipt_extras_cannot_overwrite_a_standard_member(string member)
    {
        var extra = new Dictionary<string, JsonElement> { [member] = Json("\"forged\"") };

        var error = Assert.Throws<ArgumentException>(() => PaymentVerificationResult.Success(receiptExtra: extra));
        Assert.Equal("receiptExtra", error.ParamName);

        // A verifier that tries anyway fails: a problem, no receipt, nothing paid.
        await using var server = await StartAsync(configure: o => o.AddVerifier("tempo", _ => PaymentVerificationResult.Success(receiptExtra: extra)));
        var route = server.MapPaid("/paid", new PriceOption("50") { Method = "tempo" });
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/paid");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/paid", Credential.Create(challenge, Json("{}")).ToHeaderValue()));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("Payment-Receipt"));
        Assert.Equal(PaymentProblemType.InternalPaymentError, (await ProblemAsync(response)).Kind);
        Assert.Empty(server.Payments);
        Assert.Equal(0, route.ExecutionCount);
    }

    [Fact]
    public void A_verifier_result_checks_its_arguments()
    {
        Assert.Throws<ArgumentException>(() => PaymentVerificationResult.Success(""));
        Assert.Throws<ArgumentException>(() => PaymentVerificationResult.Success(receiptExtra: new Dictionary<string, JsonElement> { ["x"] = default }));
        Assert.Throws<ArgumentException>(() => PaymentVerificationResult.Failure(PaymentProblemType.InvalidChallenge, "not a verifier's call"));

        var success = PaymentVerificationResult.Success();
        Assert.True(success.Succeeded);
        Assert.True(success.ConsumeChallenge);
        Assert.Empty(success.ReceiptExtra);
        Assert.False(PaymentVerificationResult.Success(consumeChallenge: false).ConsumeChallenge);
        Assert.Empty(PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "no").ReceiptExtra);
    }

    [Fact]
    public async Task A_non_consuming_verifier_accepts_its_challenge_again_while_the_default_refuses_a_reuse()
    {
        var verifier = new SessionVerifier();
        await using var server = await StartAsync(configure: o => o.AddVerifier(verifier));
        var session = server.MapPaid("/session", new PriceOption("10") { Method = "tempo", Intent = "session" });
        var charge = server.MapPaid("/charge", new PriceOption("1000"));
        using var http = CreateClient(server);
        var sessionChallenge = await ChallengeForAsync(http, "/session");
        var chargeChallenge = await ChallengeForAsync(http, "/charge");

        // Vouchers on one challenge: each accepted, each with its receipt, the challenge never used up.
        var spent = new List<string>();
        for (var cumulative = 10; cumulative <= 30; cumulative += 10)
        {
            using var voucher = await http.SendAsync(Request(HttpMethod.Get, "/session", Voucher(sessionChallenge, cumulative)));
            Assert.Equal(HttpStatusCode.OK, voucher.StatusCode);
            var receipt = PaymentReceipt.Parse(Header(voucher, "Payment-Receipt")!);
            Assert.Equal(sessionChallenge.Id, receipt.Extra["challengeId"].GetString());
            spent.Add(receipt.Extra["spent"].GetString()!);
        }

        Assert.Equal(["10", "20", "30"], spent);
        Assert.Equal(3, session.ExecutionCount);
        Assert.All(server.Payments, p => Assert.Equal(sessionChallenge.Id, p.ChallengeId));

        // Closing uses the challenge up: after it, even the session verifier's challenge is refused, before the verifier runs.
        using var close = await http.SendAsync(Request(HttpMethod.Get, "/session", Voucher(sessionChallenge, 40, close: true)));
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        var calls = verifier.Calls;
        using var afterClose = await http.SendAsync(Request(HttpMethod.Get, "/session", Voucher(sessionChallenge, 50)));
        await AssertRefusedAsync(afterClose, PaymentProblemType.InvalidChallenge);
        Assert.Equal(calls, verifier.Calls);

        // The built-in test method consumes: a reuse is refused.
        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/charge", Pay(chargeChallenge)));
        using var reused = await http.SendAsync(Request(HttpMethod.Get, "/charge", Pay(chargeChallenge)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        await AssertRefusedAsync(reused, PaymentProblemType.InvalidChallenge);
        Assert.Equal(1, charge.ExecutionCount);
        Assert.Equal(5, server.Payments.Count);
    }

    [Fact]
    public async Task A_verifier_that_throws_is_a_problem_and_nothing_is_paid()
    {
        var failing = true;
        await using var server = await StartAsync(configure: o => o.AddVerifier("card", _ => failing
            ? throw new InvalidOperationException("the fake card network is down")
            : PaymentVerificationResult.Success("pi_1")));
        var route = server.MapPaid("/card", new PriceOption("700") { Method = "card" });
        using var http = CreateClient(server);
        var challenge = await ChallengeForAsync(http, "/card");
        var credential = Credential.Create(challenge, Json("""{"spt":"spt_1"}""")).ToHeaderValue();

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/card", credential));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Payment-Receipt"));
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        var problem = await ProblemAsync(response);
        Assert.Equal(PaymentProblemType.InternalPaymentError, problem.Kind);
        Assert.Contains("the fake card network is down", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Payments);
        Assert.Equal(0, route.ExecutionCount);
        Assert.Equal(1, server.RejectionCount(PaymentProblemType.InternalPaymentError));
        Assert.Equal(PaymentProblemType.InternalPaymentError, server.Requests[^1].Problem);

        // The challenge was not used up: once the network is back, the same credential pays.
        failing = false;
        using var retried = await http.SendAsync(Request(HttpMethod.Get, "/card", credential));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Single(server.Payments);
    }

    [Fact]
    public async Task A_verifier_that_cannot_write_a_request_is_a_problem_and_the_server_keeps_serving()
    {
        await using var server = await StartAsync(configure: o => o.AddVerifier(new BrokenRequestVerifier()));
        server.MapPaid("/broken", new PriceOption("1") { Method = "broken" });
        server.MapPaid("/array", new PriceOption("1") { Method = "broken", Description = "array" });
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var broken = await http.GetAsync("/broken");
        using var array = await http.GetAsync("/array");
        using var fine = await http.GetAsync("/paid");

        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.False(broken.Headers.Contains("WWW-Authenticate"));
        var problem = await ProblemAsync(broken);
        Assert.Equal(PaymentProblemType.InternalPaymentError, problem.Kind);
        Assert.Contains("no invoice today", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.InternalServerError, array.StatusCode);
        Assert.Contains("not a JSON object", (await ProblemAsync(array)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PaymentRequired, fine.StatusCode);
        Assert.Equal(1, server.ChallengesIssued);
        Assert.Empty(server.Rejections);
    }

    [Fact]
    public async Task An_added_verifier_replaces_the_built_in_test_method_and_the_last_added_wins()
    {
        await using var server = await StartAsync(configure: o => o
            .AddVerifier("test", _ => PaymentVerificationResult.Failure(PaymentProblemType.PaymentInsufficient, "first"))
            .AddVerifier("test", c => c.Payload.GetProperty("token").GetString() == "anything"
                ? PaymentVerificationResult.Success("replaced")
                : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "second")));
        server.MapPaid("/paid", new PriceOption("1000"));
        using var http = CreateClient(server);

        using var withDefaultToken = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(await ChallengeForAsync(http, "/paid"))));
        using var withAnything = await http.SendAsync(Request(HttpMethod.Get, "/paid", Pay(await ChallengeForAsync(http, "/paid"), "anything")));

        Assert.Equal("second", (await AssertRefusedAsync(withDefaultToken, PaymentProblemType.VerificationFailed)).Detail);
        Assert.Equal("replaced", PaymentReceipt.Parse(Header(withAnything, "Payment-Receipt")!).Reference);
    }

    [Fact]
    public void Adding_a_verifier_checks_its_arguments()
    {
        var options = new MppTestServerOptions();

        Assert.Throws<ArgumentNullException>(() => options.AddVerifier(null!));
        Assert.Throws<ArgumentException>(() => options.AddVerifier(new InvoiceVerifier(method: "")));
        Assert.Throws<ArgumentException>(() => options.AddVerifier("", _ => PaymentVerificationResult.Success()));
        Assert.Throws<ArgumentNullException>(() => options.AddVerifier("tempo", null!));
        Assert.Same(options, options.AddVerifier(new InvoiceVerifier()));
    }

    [Fact]
    public async Task The_price_is_told_by_the_challenge_even_when_verifier_requests_differ()
    {
        await using var server = await StartAsync(configure: o => o.AddVerifier(new InvoiceVerifier(acceptAny: true)));
        server.MapPaid("/ln", new PriceOption("25", "sat") { Method = "lightning" }, new PriceOption("7", "eur") { Method = "lightning" });
        using var http = CreateClient(server);
        using var offered = await http.GetAsync("/ln");
        var eur = Challenges(offered)[1];

        using var paid = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(eur, "00")));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(("7", "eur"), (server.Payments[0].Amount, server.Payments[0].Currency));

        // Mapped again with another price, the route no longer accepts a challenge for the old one.
        server.MapPaid("/ln", new PriceOption("30", "sat") { Method = "lightning" });
        var sat = Challenges(offered)[0];
        using var stale = await http.SendAsync(Request(HttpMethod.Get, "/ln", PayInvoice(sat, "00")));
        await AssertRefusedAsync(stale, PaymentProblemType.InvalidChallenge);
    }

    internal static string Invoice(Challenge challenge) => challenge.Request.GetProperty("methodDetails").GetProperty("invoice").GetString()!;

    internal static string PayInvoice(Challenge challenge, string preimage) =>
        Credential.Create(challenge, Json(JsonSerializer.Serialize(new { preimage }))).ToHeaderValue();

    internal static string Hash(string preimageHex) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(preimageHex)));

    internal static JsonElement WithInvoice(JsonElement request, string invoice)
    {
        var node = JsonNode.Parse(request.GetRawText())!.AsObject();
        node["methodDetails"] = new JsonObject { ["invoice"] = invoice };
        return Json(node.ToJsonString());
    }

    private static string Voucher(Challenge challenge, int cumulative, bool close = false) =>
        Credential.Create(challenge, Json(JsonSerializer.Serialize(new { cumulative = cumulative.ToString(System.Globalization.CultureInfo.InvariantCulture), close }))).ToHeaderValue();

    /// <summary>A Lightning-like verifier: a fresh invoice (and preimage) per challenge, written after an await.</summary>
    internal sealed class InvoiceVerifier(string method = "lightning", bool acceptAny = false) : ITestPaymentVerifier
    {
        private readonly ConcurrentDictionary<string, string> _preimages = new(StringComparer.Ordinal);

        public string Method { get; } = method;

        public ConcurrentQueue<ChallengeRequestContext> RequestContexts { get; } = new();

        public ConcurrentQueue<PaymentVerificationContext> VerifyContexts { get; } = new();

        public string PreimageOf(string invoice) => _preimages[invoice];

        public async ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken)
        {
            await Task.Yield();
            RequestContexts.Enqueue(context);
            var preimage = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var invoice = "lnbcrt" + Hash(preimage);
            _preimages[invoice] = preimage;
            return WithInvoice(context.Request, invoice);
        }

        public async ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
        {
            await Task.Yield();
            VerifyContexts.Enqueue(context);
            if (acceptAny)
            {
                return PaymentVerificationResult.Success();
            }

            var preimage = credential.Payload.GetProperty("preimage").GetString()!;
            var invoice = Invoice(credential.Challenge);
            return _preimages.TryGetValue(invoice, out var expected) && expected == preimage
                ? PaymentVerificationResult.Success(Hash(preimage))
                : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "The preimage does not pay this challenge's invoice.");
        }
    }

    /// <summary>A verifier that asks a Lightning node (a fake on loopback) for invoices and settlements.</summary>
    private sealed class NodeVerifier(HttpClient node) : ITestPaymentVerifier
    {
        public string Method => "lightning";

        public async ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken)
        {
            using var response = await node.PostAsync($"/invoices?amount={context.Price.Amount}", null, cancellationToken);
            response.EnsureSuccessStatusCode();
            return WithInvoice(context.Request, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        public async ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
        {
            var invoice = Invoice(credential.Challenge);
            var preimage = credential.Payload.GetProperty("preimage").GetString()!;
            var settled = await node.GetStringAsync($"/lookup?invoice={invoice}&preimage={preimage}", cancellationToken);
            return settled == "settled"
                ? PaymentVerificationResult.Success("settled:" + invoice)
                : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "The node has not settled the invoice.");
        }
    }

    /// <summary>A fake Lightning node: an <see cref="MppTestServer"/> with plain handlers, on its own loopback port.</summary>
    private sealed class FakeLightningNode : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, string> _preimages = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte> _settled = new(StringComparer.Ordinal);

        private FakeLightningNode(MppTestServer server) => Server = server;

        public MppTestServer Server { get; }

        public Uri BaseAddress => Server.BaseAddress;

        public static async Task<FakeLightningNode> StartAsync()
        {
            var node = new FakeLightningNode(await MppTestServer.StartAsync());
            node.Server.MapHandler("/invoices", async context =>
            {
                var preimage = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
                var invoice = $"lnbcrt{context.Request.Query["amount"]}n1{Hash(preimage)}";
                node._preimages[invoice] = preimage;
                await context.Response.WriteAsync(invoice);
            });
            node.Server.MapHandler("/pay", async context =>
            {
                var invoice = context.Request.Query["invoice"].ToString();
                node._settled[invoice] = 0;
                await context.Response.WriteAsync(node._preimages[invoice]);
            });
            node.Server.MapHandler("/lookup", async context =>
            {
                var invoice = context.Request.Query["invoice"].ToString();
                var settled = node._settled.ContainsKey(invoice) && node._preimages[invoice] == context.Request.Query["preimage"].ToString();
                await context.Response.WriteAsync(settled ? "settled" : "open");
            });
            return node;
        }

        public async Task<string> PayAsync(string invoice)
        {
            using var http = new HttpClient { BaseAddress = BaseAddress };
            using var response = await http.PostAsync($"/pay?invoice={invoice}", null);
            return await response.Content.ReadAsStringAsync();
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>A session-like verifier: vouchers keep the challenge, a close uses it up.</summary>
    private sealed class SessionVerifier : ITestPaymentVerifier
    {
        private int _calls;

        public string Method => "tempo";

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.Request);

        public ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var close = credential.Payload.GetProperty("close").GetBoolean();
            var extra = new Dictionary<string, JsonElement> { ["spent"] = credential.Payload.GetProperty("cumulative") };
            return ValueTask.FromResult(PaymentVerificationResult.Success("0xchannel", extra, consumeChallenge: close));
        }
    }

    /// <summary>A verifier whose request writing fails: by throwing, or by writing something that is not an object.</summary>
    private sealed class BrokenRequestVerifier : ITestPaymentVerifier
    {
        public string Method => "broken";

        public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken) =>
            context.Price.Description == "array"
                ? ValueTask.FromResult(Json("[1]"))
                : throw new InvalidOperationException("no invoice today");

        public ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(PaymentVerificationResult.Success());
    }
}
