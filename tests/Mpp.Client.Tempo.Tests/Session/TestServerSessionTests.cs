using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// Sessions against <see cref="MppTestServer"/> with the shipped <see cref="TempoTestVerifier"/> (the spec's verification
/// procedure on the fake chain's escrow): the testing package users get to test their own session-paying code.
/// </summary>
public sealed class TestServerSessionTests
{
    [Fact]
    public async Task A_session_opens_pays_by_voucher_and_closes_and_the_server_and_the_payer_agree()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        // Top-ups and closes are body-less POSTs (as mppx 0.11.0 sends them): nothing for a digest to bind.
        payer.Server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });
        var uri = payer.Server.Url("/metered");

        for (var i = 0; i < 10; i++)
        {
            using var response = await payer.Http.GetAsync(uri);
            var o = response.GetPaymentOutcome();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{i}: {(int)response.StatusCode} {o?.Code} {o?.Reason} {string.Join("; ", o?.Rejections.Select(r => r.Reason) ?? [])}");
            // Paid with a voucher on the first try or after the 402: either way the outcome and receipt are there.
            Assert.Equal(PaymentStatus.Paid, o!.Status);
            Assert.Equal("session", o.Quote!.Intent);
            Assert.NotNull(response.GetPaymentReceipt());
        }

        // A request's own MaxPayment below the price holds for a session too: no voucher is sent on the first try.
        using (var capped = new HttpRequestMessage(HttpMethod.Get, uri).SetMaxPayment(0.001m, "usd"))
        using (var refused = await payer.Http.SendAsync(capped))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
            Assert.Equal(MppErrorCode.BudgetExceeded, refused.GetPaymentOutcome()!.Code);
        }

        var sessions = payer.Provider.GetRequiredService<TempoSessions>();
        var channel = Assert.Single(await sessions.ListChannelsAsync());
        Assert.Equal(100_000, (long)payer.Verifier.SessionSpent(channel.ChannelId));
        Assert.Equal(100_000, (long)channel.Counted);

        var closed = await sessions.CloseAsync(uri);

        Assert.Equal(100_000, (long)closed.Spent);
        Assert.Equal(900_000, (long)closed.Refunded);
        Assert.True(payer.Chain.GetChannel(channel.ChannelId)!.IsClosed);
        Assert.Equal(100_000, (long)payer.Chain.BalanceOf(TempoChains.PathUsd, payer.Verifier.SessionPayee));
        Assert.Equal(new LedgerUsage(0m, 0.10m), await payer.Provider.GetRequiredService<IPaymentLedger>().GetUsageAsync("usd", null, null, default));
    }

    [Fact]
    public async Task The_open_is_signed_with_the_nodes_gas_estimate_plus_the_margin_and_that_gas_is_the_fee_reserved()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Chain.GasEstimate = 61_000;
        payer.Server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });

        using (var response = await payer.Http.GetAsync(payer.Server.Url("/metered")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var broadcast = payer.Chain.Requests.Last(r => r.Method.StartsWith("eth_sendRawTransaction", StringComparison.Ordinal));
        var open = Mpp.Client.Tempo.Transactions.TempoTransactionDecoder.Decode(Mpp.Client.Tempo.Encoding.Hex.Decode(broadcast.Params[0].GetString()!)).Transaction;
        Assert.Equal(66_000UL, open.Gas); // the estimate + GasMargin (5,000), not a fixed bound
        var channel = Assert.Single(await payer.Provider.GetRequiredService<TempoSessions>().ListChannelsAsync());
        Assert.Equal(Mpp.Client.Tempo.Charge.TempoChargeMethod.MaxFee(66_000, open.MaxFeePerGas), channel.Fees);
        Assert.Contains(payer.Chain.Requests, r => r.Method == "eth_estimateGas");
    }

    [Fact]
    public async Task A_node_that_gives_no_usable_gas_estimate_fails_the_open_with_nothing_reserved_or_sent()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Chain.GasEstimate = 0;
        payer.Server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });

        using var response = await payer.Http.GetAsync(payer.Server.Url("/metered"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.NotEqual(PaymentStatus.Paid, outcome.Status);
        Assert.Contains(outcome.Rejections, r => r.Reason.Contains("gas estimate", StringComparison.Ordinal));
        Assert.DoesNotContain(payer.Server.Requests, r => r.HasCredential);
        Assert.Equal(new LedgerUsage(0m, 0m), await payer.Provider.GetRequiredService<IPaymentLedger>().GetUsageAsync("usd", null, null, default));
    }

    [Fact]
    public async Task Stopping_the_host_closes_the_open_channel()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var verifier = new TempoTestVerifier(chain);
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(verifier));
        server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings());
        builder.Services.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "100").AddTempo(o =>
        {
            o.PrivateKey = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            o.Rpc["42431"] = chain.Endpoint.ToString();
            o.Session.MaxDeposit = "1";
        });
        using var host = builder.Build();
        await host.StartAsync();
        chain.Fund(TempoChains.PathUsd, host.Services.GetRequiredService<TempoAccount>().Address, 2_000_000);
        using (var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient())
        {
            using var response = await http.GetAsync(server.Url("/metered"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var channel = Assert.Single(await host.Services.GetRequiredService<TempoSessions>().ListChannelsAsync());

        await host.StopAsync();

        Assert.True(chain.GetChannel(channel.ChannelId)!.IsClosed);
        Assert.Equal(10_000, (long)chain.BalanceOf(TempoChains.PathUsd, verifier.SessionPayee));
        Assert.Equal(TempoChannelStatus.Closed, Assert.Single(await host.Services.GetRequiredService<TempoSessions>().ListChannelsAsync()).Status);
    }

    [Fact]
    public async Task No_key_voucher_signature_or_credential_reaches_a_log()
    {
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        await using var payer = await ConfiguredTempoPayer.StartAsync(
            o => o.Session.MaxDeposit = "1",
            s => s.AddLogging(b => b.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace).AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs))));
        payer.Server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });
        var uri = payer.Server.Url("/metered");
        for (var i = 0; i < 3; i++)
        {
            using var response = await payer.Http.GetAsync(uri);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var sessions = payer.Provider.GetRequiredService<TempoSessions>();
        var signature = Assert.Single(await sessions.ListChannelsAsync()).HighestSignature!;
        await sessions.CloseAsync(uri);
        var key = payer.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TempoOptions>>().Value.PrivateKey!;

        Assert.NotEmpty(logs.GetSnapshot());
        foreach (var record in logs.GetSnapshot())
        {
            var text = record.Message + record.Exception;
            Assert.DoesNotContain(key[2..18], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(signature[2..20], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Payment eyJ", text, StringComparison.Ordinal);
        }
    }
}
