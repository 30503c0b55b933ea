using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Charge;

/// <summary>
/// The Tempo reconciler on payments whose outcome is unknown because the connection died after the credential was
/// sent: a pushed transaction that landed is settled from its receipt; a pull transaction the server never got is
/// released once its expiring nonce can no longer land, and not before.
/// </summary>
public sealed class ReconcilerTests
{
    /// <summary>A payer whose client loses the connection whenever a credential is sent: the outcome is unknown to it.</summary>
    private static Task<ConfiguredTempoPayer> StartAsync() =>
        ConfiguredTempoPayer.StartAsync(services: s => s.AddHttpClient("flaky").AddHttpMessageHandler(() => new DropCredentials()), clientName: "flaky");

    private static async Task<LedgerEntry> PayAndLoseTheAnswerAsync(ConfiguredTempoPayer s, object methodDetails)
    {
        s.Server.MapPaid("/x", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), methodDetails));
        var lost = await Assert.ThrowsAsync<PaymentException>(() => s.Http.GetAsync(s.Server.Url("/x")));
        Assert.Equal(PaymentStatus.Unknown, lost.Outcome!.Status);
        return Assert.Single(await s.Provider.GetRequiredService<PaymentReconciliation>().ListPendingAsync());
    }

    [Fact]
    public async Task A_pushed_payment_that_landed_is_settled_from_its_receipt()
    {
        await using var s = await StartAsync();
        var pending = await PayAndLoseTheAnswerAsync(s, new { chainId = TempoChains.TestnetChainId, supportedModes = new[] { "push" } });

        var resolved = await s.Provider.GetRequiredService<PaymentReconciliation>().ReconcileAsync(TimeSpan.Zero);

        var entry = Assert.Single(resolved);
        Assert.Equal(pending.Id, entry.Id);
        Assert.Equal(LedgerEntryState.Settled, entry.State);
        Assert.NotNull(s.Chain.Receipt(pending.WalletReference!));
    }

    [Fact]
    public async Task A_pull_payment_the_server_never_got_is_released_only_after_its_validity_window()
    {
        await using var s = await StartAsync();
        var pending = await PayAndLoseTheAnswerAsync(s, new { chainId = TempoChains.TestnetChainId });
        var time = new FakeTimeProvider(pending.UpdatedAt!.Value);
        var reconciler = new TempoReconciler(s.Provider.GetRequiredService<TempoChargeMethod>(), time);

        time.Advance(TimeSpan.FromSeconds(20)); // the transaction could still land
        Assert.Null(await reconciler.LookupAsync(pending, CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(5)); // its expiring nonce is long past validBefore
        Assert.Equal(LedgerOutcome.Released, await reconciler.LookupAsync(pending, CancellationToken.None));

        time.Advance(TimeSpan.FromDays(2)); // too old to trust a missing receipt
        Assert.Null(await reconciler.LookupAsync(pending, CancellationToken.None));
    }

    [Fact]
    public async Task A_sponsored_payment_is_never_looked_up_by_the_senders_hash()
    {
        await using var s = await StartAsync();
        var pending = await PayAndLoseTheAnswerAsync(s, new { chainId = TempoChains.TestnetChainId, feePayer = true });
        var time = new FakeTimeProvider(pending.UpdatedAt!.Value + TimeSpan.FromMinutes(10));

        Assert.StartsWith(TempoReconciler.SponsoredPrefix, pending.WalletReference, StringComparison.Ordinal);
        Assert.Null(await new TempoReconciler(s.Provider.GetRequiredService<TempoChargeMethod>(), time).LookupAsync(pending, CancellationToken.None));
    }

    private sealed class DropCredentials : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Headers.Authorization is not null
                ? throw new HttpRequestException("connection reset after the request was sent")
                : base.SendAsync(request, cancellationToken);
    }
}
