using System.Net;
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
}
