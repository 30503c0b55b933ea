using System.Net;
using System.Numerics;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Charge;

/// <summary>
/// Push mode through <c>AddTempo()</c> against the test server's tempo verifier (hash verification) and the fake chain:
/// the wallet broadcasts, the ledger counts the money as moving before the broadcast, and a reverted transaction is an
/// outcome whose money may have moved (the fee), never a silent refusal.
/// </summary>
public sealed class PushModeTests
{
    private static readonly BigInteger Funds = 10_000_000;

    private static Task<ConfiguredTempoPayer> StartAsync(Action<TempoOptions>? configure = null) =>
        ConfiguredTempoPayer.StartAsync(o =>
        {
            o.RpcRetries = 0;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task A_push_only_route_is_paid_by_broadcasting_and_sending_the_hash()
    {
        await using var s = await StartAsync();
        var payee = TestPayer.NewAddress();
        s.Server.MapPaid("/push", TempoPayingHarness.Price("1500", payee, new { chainId = TempoChains.TestnetChainId, supportedModes = new[] { "push" } }));

        using var response = await s.Http.GetAsync(s.Server.Url("/push"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settlement = Assert.Single(s.Verifier.Settlements);
        Assert.Equal("hash", settlement.PayloadType);
        Assert.Equal(new BigInteger(1500), s.Chain.BalanceOf(TempoChains.PathUsd, payee));
        Assert.Equal(1, s.Chain.CountOf("eth_sendRawTransactionSync")); // the wallet broadcast it
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        var entry = Assert.Single(await s.Provider.GetRequiredService<IPaymentLedger>().ListAsync(new LedgerQuery(), CancellationToken.None).ToListAsync());
        Assert.Equal(settlement.TransactionHash, entry.WalletReference);
        // Trued up to the fee the receipt shows: 60,000 gas × 11 gwei-units = 660 micro-USD, below the 845 declared.
        Assert.Equal(0.001500m + 0.000660m, entry.Amount);
    }

    [Fact]
    public async Task Push_is_used_when_preferred_and_pull_when_the_route_allows_only_pull()
    {
        await using var s = await StartAsync(o => o.PreferredMode = TempoSubmissionMode.Push);
        s.Server.MapPaid("/any", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId }));
        s.Server.MapPaid("/pull", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId, supportedModes = new[] { "pull" } }));

        using (var any = await s.Http.GetAsync(s.Server.Url("/any")))
        {
            Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        }

        using (var pull = await s.Http.GetAsync(s.Server.Url("/pull")))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }

        Assert.Equal(["hash", "transaction"], s.Verifier.Settlements.Select(x => x.PayloadType));
    }

    [Fact]
    public async Task A_reverted_push_payment_is_reported_as_money_that_may_have_moved_and_stays_counted()
    {
        await using var s = await StartAsync();
        s.Chain.RevertTransactions = true;
        s.Server.MapPaid("/push", TempoPayingHarness.Price("1500", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId, supportedModes = new[] { "push" } }));

        using var response = await s.Http.GetAsync(s.Server.Url("/push"));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.True(outcome.MoneyMayHaveMoved);
        Assert.True(outcome.MethodError!.FundsMayHaveMoved);
        Assert.Empty(s.Verifier.Settlements); // no credential reached the server
        Assert.Equal(Funds, s.Chain.BalanceOf(TempoChains.PathUsd, s.Payer)); // the transfer reverted
        var entry = Assert.Single(await s.Provider.GetRequiredService<IPaymentLedger>().ListAsync(new LedgerQuery(), CancellationToken.None).ToListAsync());
        Assert.NotEqual(LedgerEntryState.Released, entry.State); // counted until reconciled
    }
}
