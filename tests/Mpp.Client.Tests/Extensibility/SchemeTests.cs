using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Extensibility;

public sealed class SchemeTests : IAsyncLifetime
{
    private SchemeServer _server = null!;

    public async Task InitializeAsync() => _server = await SchemeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_second_scheme_is_paid_under_the_same_budget_with_its_own_headers()
    {
        var wallet = new FakeWallet();
        await using var client = PayingClient.Create(o => o.Preferences.Add("fakepay2/exact"), b => b.AddScheme(new FakeScheme()).AddPaymentMethod(wallet));

        using var response = await client.Http.GetAsync(_server.Url("/fake/1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal("fake", outcome.Quote!.Challenge.Scheme);
        Assert.Equal("fakepay2", outcome.Quote.Method);
        Assert.Equal("fake-ref-1", outcome.Receipt!.Reference);
        Assert.Equal(0.07m, await client.SpentAsync());
        Assert.Equal(["fake"], _server.Settled);
        var requests = _server.Requests.ToArray();
        Assert.Null(requests[0].FakePayment);
        Assert.NotNull(requests[1].FakePayment);
        Assert.Null(requests[1].Authorization); // never a Payment credential beside it
        Assert.False(response.RequestMessage!.Headers.Contains("Fake-Payment")); // removed after the send
    }

    [Fact]
    public async Task Another_schemes_method_is_not_advertised_in_Accept_Payment_but_may_be_named_in_configuration()
    {
        await using var client = PayingClient.Create(o => o.AllowedMethods.AddRange(["test/charge", "fakepay2/exact"]), b => b.AddScheme(new FakeScheme()).AddPaymentMethod(new FakeWallet()));

        using var response = await client.Http.GetAsync(_server.Url("/fake/accept"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accept = response.RequestMessage!.Headers.GetValues("Accept-Payment").Single();
        Assert.Contains("test/charge", accept, StringComparison.Ordinal);
        Assert.DoesNotContain("fakepay2", accept, StringComparison.Ordinal);

        // A transport's own advertisement (MCP capabilities) sees every payable method, filtered by AllowedMethods.
        var payable = client.Provider.GetRequiredService<Mpp.Client.Payments.PaymentCoordinator>().GetPayableMethods();
        Assert.Equal(["fakepay2/exact", "test/charge"], payable.Select(p => $"{p.Method}/{p.Intent}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_402_offering_both_schemes_pays_the_Payment_challenge()
    {
        var wallet = new FakeWallet();
        await using var client = PayingClient.Create(build: b => b.AddScheme(new FakeScheme()).AddPaymentMethod(wallet));

        using var response = await client.Http.GetAsync(_server.Url("/both/1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Challenge.PaymentScheme, response.GetPaymentOutcome()!.Quote!.Challenge.Scheme);
        Assert.Equal(0, wallet.Created);
        Assert.Equal(["payment"], _server.Settled);
    }

    [Fact]
    public async Task A_preemptive_payer_pays_before_the_first_send_and_no_402_is_met()
    {
        _server.GoodVouchers["v-good"] = true;
        var payer = new FakeVoucherPayer("v-good");
        await using var client = PayingClient.Create(build: b => b.AddPreemptivePayer(payer));

        using var response = await client.Http.GetAsync(_server.Url("/session/1"));
        using var other = await client.Http.GetAsync(_server.Url("/plain/1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.GetPaymentOutcome()); // no 402, no flow
        Assert.Equal([HttpStatusCode.OK], payer.Responses);
        var session = Assert.Single(_server.Requests, r => r.Path == "/session/1"); // one send: no 402 in between
        Assert.Equal("v-good", session.Voucher);
        Assert.Null(session.Authorization);
        Assert.All(_server.Requests.Where(r => r.Path == "/plain/1"), r => Assert.Null(r.Voucher)); // only where the payer chose
    }

    [Fact]
    public async Task A_refused_voucher_is_removed_before_the_402_is_paid()
    {
        var payer = new FakeVoucherPayer("v-stale");
        await using var client = PayingClient.Create(build: b => b.AddPreemptivePayer(payer));

        using var response = await client.Http.GetAsync(_server.Url("/session/2"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        Assert.Equal([HttpStatusCode.PaymentRequired], payer.Responses);
        var paid = _server.Requests.Last();
        Assert.NotNull(paid.Authorization);
        Assert.Null(paid.Voucher); // never two credentials in one request
    }

    [Fact]
    public async Task A_payer_whose_voucher_basis_is_gone_gets_the_request_resent_once_without_it_and_the_402_paid()
    {
        var payer = new FakeVoucherPayer("v-gone", resendOnGone: true);
        await using var client = PayingClient.Create(build: b => b.AddPreemptivePayer(payer));
        using var body = new StringContent("{\"q\":1}");

        using var response = await client.Http.PostAsync(_server.Url("/session/4"), body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        Assert.Equal([HttpStatusCode.Gone], payer.Responses); // asked once: the resend attaches nothing
        var sends = _server.Requests.Where(r => r.Path == "/session/4").ToList();
        Assert.Equal(3, sends.Count); // voucher (410), bare (402), paid
        Assert.Equal("v-gone", sends[0].Voucher);
        Assert.All(sends.Skip(1), r => Assert.Null(r.Voucher));
    }

    [Fact]
    public async Task A_410_is_returned_as_is_when_the_payer_does_not_ask_for_a_resend()
    {
        var payer = new FakeVoucherPayer("v-gone");
        await using var client = PayingClient.Create(build: b => b.AddPreemptivePayer(payer));

        using var response = await client.Http.GetAsync(_server.Url("/session/5"));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Single(_server.Requests, r => r.Path == "/session/5");
    }

    [Fact]
    public async Task PaymentMode_Disabled_asks_no_preemptive_payer()
    {
        var payer = new FakeVoucherPayer("v-good");
        await using var client = PayingClient.Create(build: b => b.AddPreemptivePayer(payer));
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/session/3")).SetPaymentMode(PaymentMode.Disabled);

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Null(_server.Requests.Single().Voucher);
        Assert.Empty(payer.Responses);
    }

    [Fact]
    public void Configuration_accepts_another_schemes_method_id_but_not_a_malformed_one()
    {
        Assert.Equal("x402", PaymentPreference.Parse("x402/exact").Method);
        Assert.Throws<FormatException>(() => PaymentPreference.Parse("X402/exact"));
        Assert.Throws<FormatException>(() => PaymentPreference.Parse("4x/exact"));
    }

    [Fact]
    public void Sensitive_headers_of_every_scheme_and_payer_are_redacted_by_the_factory_logger()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("paying").AddMppPayments();
        services.AddMpp().AddScheme(new FakeScheme()).AddPreemptivePayer(new FakeVoucherPayer("v"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get("paying");

        foreach (var header in new[] { "Authorization", "Payment-Authorization", "Payment-Receipt", "Fake-Payment", "Fake-Voucher" })
        {
            Assert.True(options.ShouldRedactHeaderValue(header), header);
        }

    }
}
