using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Http;
using Mpp.Client.Lightning.Tests.Support;
using NBitcoin;

namespace Mpp.Client.Lightning.Tests.Charge;

/// <summary>Hostile invoices and challenges are refused before the node is asked anything (no pay attempt, no look-up).</summary>
public sealed class LightningChargeRefusalTests
{
    public static TheoryData<string, string, string> Hostile()
    {
        var d = new TheoryData<string, string, string>();
        var ok = LightningHarness.Invoice();
        d.Add("amount differs", Json(new { invoice = ok.Invoice, paymentHash = ok.Hash, network = "regtest" }, amount: "101"), "asks 100 sat and the request says 101");
        d.Add("msat amount not a whole sat", Json(new { invoice = LightningHarness.Invoice(amountMsat: 100_500).Invoice }, amount: "100"), "not a whole number of satoshis");
        d.Add("invoice without amount", Json(new { invoice = LightningHarness.Invoice(amountMsat: null).Invoice }), "has no amount");
        d.Add("currency not sat", Json(new { invoice = ok.Invoice }, currency: "btc"), "must be \"sat\"");
        d.Add("mainnet invoice, regtest wallet", Json(new { invoice = LightningHarness.Invoice(network: LightningNetwork.Mainnet).Invoice }), "is for mainnet");
        d.Add("testnet invoice", Json(new { invoice = LightningHarness.Invoice(network: LightningNetwork.Testnet).Invoice }), "is for testnet");
        d.Add("methodDetails.network differs", Json(new { invoice = ok.Invoice, network = "signet" }), "methodDetails.network");
        d.Add("methodDetails.paymentHash differs", Json(new { invoice = ok.Invoice, paymentHash = new string('0', 64) }), "methodDetails.paymentHash");
        d.Add("expired invoice", Json(new { invoice = LightningHarness.Invoice(timestamp: DateTimeOffset.UtcNow.AddHours(-2)).Invoice }), "has expired");
        d.Add("signature does not verify", Json(new { invoice = LightningHarness.Invoice(corrupt: true, explicitPayee: true).Invoice }), "InvalidSignature");
        d.Add("payee does not match n", Json(new { invoice = LightningHarness.Invoice(claimedPayee: new Key()).Invoice }), "does not verify against the payee");
        d.Add("not an invoice", Json(new { invoice = "lnbcrt1notaninvoice" }), "MalformedBech32");
        d.Add("no invoice", Json(new { paymentHash = ok.Hash }), "invoice is missing");
        return d;
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_challenge_is_refused_and_the_node_sees_no_call(string why, string request, string reason)
    {
        await using var h = await LightningHarness.StartAsync();
        var (amount, currency, details) = Parse(request);
        h.Server.MapPaid("/x", LightningHarness.Price(amount, details, currency));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.True(response.StatusCode == HttpStatusCode.PaymentRequired, why);
        var outcome = response.GetPaymentOutcome()!;
        Assert.NotEqual(PaymentStatus.Paid, outcome.Status);
        Assert.False(outcome.MoneyMayHaveMoved, why);
        Assert.NotNull(outcome.Code);
        Assert.Contains(reason, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(0, h.Node.LookupCount);
        Assert.Empty(h.Server.Payments);
    }

    [Fact]
    public async Task A_payee_outside_the_allow_list_is_refused_and_an_allowed_one_is_paid()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using (var provider = h.Payer(new() { ["Mpp:Lightning:AllowedPayees:0"] = new Key().PubKey.ToHex() }))
        {
            using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var refused = await http.GetAsync(h.Server.Url("/x"));
            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
            Assert.Empty(h.Node.PayAttempts);
        }

        var challenge = Assert.Single(await h.Server.IssueChallengesAsync("/x"));
        var payee = Mpp.Client.Lightning.Invoices.Bolt11Invoice.Decode(challenge.Request.GetProperty("methodDetails").GetProperty("invoice").GetString()!).PayeeNodeId;
        using (var provider = h.Payer(new() { ["Mpp:Lightning:AllowedPayees:0"] = payee.ToUpperInvariant() }))
        {
            using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var paid = await http.GetAsync(h.Server.Url("/x"));
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
            Assert.Single(h.Node.PayAttempts);
        }
    }

    [Fact]
    public async Task An_invoice_that_would_expire_before_a_payment_could_settle_is_refused()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100", new { invoice = LightningHarness.Invoice(expiry: 5).Invoice }));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("before a payment could settle", response.GetPaymentOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(0, h.Node.LookupCount);
    }

    [Fact]
    public async Task A_challenge_whose_expires_is_past_is_refused_even_when_the_invoice_is_fresh()
    {
        // The server's clock is an hour behind: its challenge has expired when the payer reads it; the invoice is fresh.
        await using var h = await LightningHarness.StartAsync(o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        var fresh = LightningHarness.Invoice();
        h.Server.MapPaid("/x", LightningHarness.Price("100", new { invoice = fresh.Invoice }));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(0, h.Node.LookupCount);
    }

    private static string Json(object details, string amount = "100", string currency = "sat") =>
        System.Text.Json.JsonSerializer.Serialize(new { amount, currency, details });

    private static (string Amount, string Currency, System.Text.Json.JsonElement Details) Parse(string json)
    {
        var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
        return (root.GetProperty("amount").GetString()!, root.GetProperty("currency").GetString()!, root.GetProperty("details").Clone());
    }
}
