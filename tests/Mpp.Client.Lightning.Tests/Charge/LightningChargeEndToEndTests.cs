using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Lightning.Tests.Support;
using Mpp.Client.Policy;

namespace Mpp.Client.Lightning.Tests.Charge;

/// <summary>The handler pays a regtest invoice through the fake LND node over pinned HTTPS, end to end.</summary>
public sealed class LightningChargeEndToEndTests
{
    [Fact]
    public async Task A_lightning_challenge_is_paid_through_the_node_and_the_preimage_is_accepted()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/paid", LightningHarness.Price("100"));
        using var provider = h.Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        var attempt = Assert.Single(h.Node.PayAttempts);
        Assert.Equal(5, attempt.FeeLimitSat);
        Assert.Equal(60, attempt.TimeoutSeconds);
        var receipt = response.GetPaymentReceipt()!;
        Assert.Equal("lightning", receipt.Method);
        Assert.Equal(attempt.PaymentHash, receipt.Reference);
        Assert.Equal(attempt.PaymentHash, Assert.Single(h.Server.Payments).Reference);
        Assert.Equal(1, h.Node.LookupCount); // looked up once before paying
    }

    [Fact]
    public async Task The_fee_limit_is_reserved_with_the_amount_and_trued_up_to_the_fee_paid()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Node.RoutingFeeMsat = 1_500; // rounds up to 2 sat
        h.Server.MapPaid("/paid", LightningHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Budget:PerRequest:sat"] = "105" });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(105m, response.GetPaymentOutcome()!.Quote!.DisplayTotal);
        var ledger = provider.GetRequiredService<IPaymentLedger>();
        var entries = new List<LedgerEntry>();
        await foreach (var e in ledger.ListAsync(new LedgerQuery(), default))
        {
            entries.Add(e);
        }

        var entry = Assert.Single(entries);
        Assert.Equal(LedgerEntryState.Settled, entry.State);
        Assert.Equal(102m, entry.Amount);
        var day = Assert.Single(await provider.GetRequiredService<SpendingPolicy>().GetBudgetAsync(), b => b.Unit == "sat" && b.Window is not null);
        Assert.Equal(102m, day.Spent);
    }

    [Fact]
    public async Task A_per_request_cap_below_amount_plus_fee_limit_refuses_before_the_node_is_asked()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/paid", LightningHarness.Price("100"));
        using var provider = h.Payer(new() { ["Mpp:Budget:PerRequest:sat"] = "104" });
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(h.Server.Url("/paid"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(MppErrorCode.BudgetExceeded, response.GetPaymentOutcome()!.Code);
        Assert.Empty(h.Node.PayAttempts);
        Assert.Equal(0, h.Node.LookupCount);
    }
}
