using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Lightning.Nodes;
using Mpp.Client.Lightning.Testing;
using Mpp.Client.Lightning.Tests.Support;

namespace Mpp.Client.Lightning.Tests.Charge;

/// <summary>Node failures are typed; an ambiguous one is looked up; nothing is paid twice.</summary>
public sealed class LightningNodeFailureTests
{
    public static TheoryData<FakeLndFailure, LightningNodeError> Definitive => new()
    {
        { FakeLndFailure.NoRoute, LightningNodeError.NoRoute },
        { FakeLndFailure.InsufficientBalance, LightningNodeError.InsufficientBalance },
        { FakeLndFailure.Timeout, LightningNodeError.Timeout },
        { FakeLndFailure.IncorrectPaymentDetails, LightningNodeError.IncorrectPaymentDetails },
    };

    [Theory]
    [MemberData(nameof(Definitive))]
    public async Task A_definitively_failed_payment_is_a_typed_refusal_and_its_reservation_is_released(FakeLndFailure failure, LightningNodeError expected)
    {
        await using var h = await LightningHarness.StartAsync();
        h.Node.FailNext(failure);
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(expected.ToString(), outcome.MethodError!.Details["lightning.error"]);
        Assert.False(outcome.MethodError.FundsMayHaveMoved);
        Assert.True(outcome.MethodError.FundsProvenNotMoved);
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.False(outcome.MoneyMayHaveMoved);
        Assert.Single(h.Node.PayAttempts);

        // Funds were marked moving before paying, but the node's definitive failure proves nothing left: released at once,
        // nothing pending for the reconciler.
        var reconciliation = provider.GetRequiredService<PaymentReconciliation>();
        Assert.Empty(await reconciliation.ListPendingAsync());
        Assert.Empty(await reconciliation.ReconcileAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_connection_dropped_after_paying_is_looked_up_and_the_preimage_is_used()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Node.FailNext(FakeLndFailure.DropAfterPaying);
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(h.Node.PayAttempts);
        Assert.Equal(2, h.Node.LookupCount); // before paying, and after the ambiguous failure
    }

    [Fact]
    public async Task A_connection_dropped_without_paying_leaves_the_outcome_unknown_and_counted()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Node.FailNext(FakeLndFailure.DropBeforePaying);
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.True(outcome.MoneyMayHaveMoved);
        Assert.Single(h.Node.PayAttempts);
    }

    [Fact]
    public async Task The_node_reporting_a_payment_already_made_yields_its_preimage_without_a_second_payment()
    {
        await using var h = await LightningHarness.StartAsync();
        var invoice = LightningHarness.Invoice(amountMsat: 100_000);
        h.Node.AddInvoice(invoice.Invoice, invoice.Preimage);
        h.Node.MarkPaid(invoice.Hash);
        h.Server.MapPaid("/x", LightningHarness.Price("100", new { invoice = invoice.Invoice, paymentHash = invoice.Hash, network = "regtest" }));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        // The test server's verifier accepts the preimage of the challenge's invoice.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(1, h.Node.LookupCount);
    }

    [Fact]
    public async Task A_payment_already_in_flight_at_the_node_is_not_paid_again_and_stays_counted()
    {
        await using var h = await LightningHarness.StartAsync();
        var invoice = LightningHarness.Invoice(amountMsat: 100_000);
        h.Node.AddInvoice(invoice.Invoice, invoice.Preimage);
        h.Node.MarkInFlight(invoice.Hash);
        h.Server.MapPaid("/x", LightningHarness.Price("100", new { invoice = invoice.Invoice }));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal("InFlight", outcome.MethodError!.Details["lightning.error"]);
        Assert.Empty(h.Node.PayAttempts);

        // Once the node settles it, reconciliation settles the entry.
        h.Node.MarkPaid(invoice.Hash);
        var reconciled = await provider.GetRequiredService<PaymentReconciliation>().ReconcileAsync(TimeSpan.Zero);
        Assert.Equal(LedgerEntryState.Settled, Assert.Single(reconciled).State);
    }

    [Fact]
    public async Task A_wrong_macaroon_is_a_typed_unauthorized_failure_before_anything_is_paid()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Lightning:Lnd:Macaroon"] = "00ff00ff" });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.False(outcome.MoneyMayHaveMoved);
        Assert.Contains("Unauthorized", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(1, h.Node.RejectedCount);
    }

    [Fact]
    public async Task A_node_presenting_another_certificate_is_refused_by_the_pin()
    {
        await using var h = await LightningHarness.StartAsync();
        await using var other = await FakeLndNode.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Lightning:Lnd:TlsCert"] = other.CertificatePem });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/x"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Contains("Unauthorized", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(0, h.Node.LookupCount);
    }
}
