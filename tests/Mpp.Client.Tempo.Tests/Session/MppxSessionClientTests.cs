using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// Our session client (<c>AddTempo()</c> with <c>Mpp:Tempo:Session</c>) against mppx 0.11.0's own session server
/// (interop/mppx/session-server.mjs, <c>tempo.session</c>, TIP-1034) on the fake chain's escrow precompile: open with the
/// first request, vouchers on later ones with no 402 in between, close; the chain and our ledger must agree exactly.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MppxSessionClientTests
{
    private const long PerRequest = 10_000; // --amount 0.01 pathUSD
    private const long Funds = 5_000_000;

    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "mppx");

    [Fact]
    public async Task A_thousand_vouchers_without_a_402_a_top_up_and_a_close_and_the_ledger_equals_what_mppx_settled()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var payee = TempoPrivateKey.FromHex(payeeKey).Address.ToLowerInvariant();
        await using var server = await NodeServer.StartAsync(Dir, ["mppx", "viem"], "session-server.mjs", "--rpc-url", chain.Endpoint.ToString(),
            "--payee-key", payeeKey, "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture), "--amount", "0.01", "--suggested-deposit", "1");
        await using var payer = Payer(chain, deposit: "1", topUp: "10", maxDeposit: "20");
        chain.Fund(FakeTempoChain.PathUsd, payer.Address, 20_000_000);
        var paid = new Uri(server.BaseAddress, "paid");

        using (var first = await payer.Http.GetAsync(paid))
        {
            var o = first.GetPaymentOutcome();
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{(int)first.StatusCode} {o?.Status} {o?.Code} {o?.Reason} {string.Join("; ", o?.Rejections.Select(r => r.Reason) ?? [])}\n{server.Log}");
            Assert.Equal(PaymentStatus.Paid, o!.Status);
        }

        var challengesBefore = payer.Counter.PaymentRequired;
        for (var i = 0; i < 1_000; i++)
        {
            using var next = await payer.Http.GetAsync(paid);
            Assert.True(next.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)next.StatusCode} {await next.Content.ReadAsStringAsync()}\n{server.Log}");
        }

        // One round trip per voucher: the only 402 after the open is the one that led to the single top-up (the deposit of
        // 1.00 ran out after 100 requests; the top-up of 10.00 covers the rest).
        Assert.Equal(challengesBefore + 1, payer.Counter.PaymentRequired);
        var sessions = payer.Provider.GetRequiredService<TempoSessions>();
        var channel = Assert.Single(await sessions.ListChannelsAsync());
        Assert.Equal((TempoChannelStatus.Open, 1_001 * PerRequest, 11_000_000L), (channel.Status, (long)channel.Counted, (long)channel.Deposit));
        var whileOpen = await payer.Ledger.GetUsageAsync("usd", null, null, default);
        Assert.Equal(new LedgerUsage(11m - 10.01m + Fees(channel), 10.01m), whileOpen); // deposit locked, vouchers spent

        var closed = await sessions.CloseAsync(paid);

        var onChain = chain.GetChannel(channel.ChannelId) ?? throw new InvalidOperationException("no channel on chain");
        Assert.True(onChain.IsClosed, server.Log);
        Assert.Equal(1_001 * PerRequest, (long)closed.Spent);
        Assert.Equal(onChain.Settled, closed.Spent);
        Assert.Equal(11_000_000L, (long)onChain.Deposit);
        Assert.Equal(new BigInteger(1_001 * PerRequest), chain.BalanceOf(FakeTempoChain.PathUsd, payee));
        Assert.Equal(20_000_000 - (1_001 * PerRequest), (long)chain.BalanceOf(FakeTempoChain.PathUsd, payer.Address));
        // What the ledger counts is exactly what mppx settled on chain; the rest of the deposit is released.
        Assert.Equal(new LedgerUsage(0m, 10.01m), await payer.Ledger.GetUsageAsync("usd", null, null, default));
        Assert.Equal(TempoChannelStatus.Closed, Assert.Single(await sessions.ListChannelsAsync()).Status);
    }

    [Fact]
    public async Task Tops_up_when_the_deposit_runs_low_and_concurrent_first_requests_open_one_channel()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var server = await NodeServer.StartAsync(Dir, ["mppx", "viem"], "session-server.mjs", "--rpc-url", chain.Endpoint.ToString(),
            "--payee-key", payeeKey, "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture), "--amount", "0.01", "--suggested-deposit", "1");
        await using var payer = Payer(chain, deposit: "0.05", topUp: "0.05");
        chain.Fund(FakeTempoChain.PathUsd, payer.Address, Funds);
        var paid = new Uri(server.BaseAddress, "paid");

        // Four first requests at once: one opens, the others wait for it and pay into the same channel.
        var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => payer.Http.GetAsync(paid)));
        foreach (var r in first)
        {
            var o = r.GetPaymentOutcome();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode} {o?.Code} {o?.Reason}\n{server.Log}");
            r.Dispose();
        }

        var opened = Assert.Single(await payer.Provider.GetRequiredService<TempoSessions>().ListChannelsAsync());
        // Eight more requests at 0.01 each: the 0.05 deposit runs out after five, and one top-up of 0.05 follows.
        for (var i = 0; i < 4; i++)
        {
            using var next = await payer.Http.GetAsync(paid);
            var o = next.GetPaymentOutcome();
            Assert.True(next.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)next.StatusCode} {o?.Code} {o?.Reason}\n{server.Log}");
        }

        var channel = Assert.Single(await payer.Provider.GetRequiredService<TempoSessions>().ListChannelsAsync());
        Assert.Equal(opened.ChannelId, channel.ChannelId);
        Assert.Equal((100_000L, 80_000L), ((long)channel.Deposit, (long)channel.Counted));
        var onChain = chain.GetChannel(channel.ChannelId)!;
        Assert.Equal(channel.Deposit, onChain.Deposit); // the top-up reached the escrow
        var usage = await payer.Ledger.GetUsageAsync("usd", null, null, default);
        Assert.Equal(0.08m, usage.Spent);
        Assert.Equal(0.10m - 0.08m + Fees(channel), usage.Locked); // one deposit entry: the top-up folded into it

        var closed = await payer.Provider.GetRequiredService<TempoSessions>().CloseAsync(paid);
        Assert.Equal((80_000L, 20_000L), ((long)closed.Spent, (long)closed.Refunded));
        Assert.Equal(new LedgerUsage(0m, 0.08m), await payer.Ledger.GetUsageAsync("usd", null, null, default));
    }

    [Fact]
    public async Task Streams_tokens_paying_each_need_voucher_and_stops_at_its_cost_limit()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var server = await NodeServer.StartAsync(Dir, ["mppx", "viem"], "session-server.mjs", "--rpc-url", chain.Endpoint.ToString(),
            "--payee-key", payeeKey, "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture), "--token-amount", "0.0001", "--suggested-deposit", "1");
        await using var payer = Payer(chain);
        chain.Fund(FakeTempoChain.PathUsd, payer.Address, Funds);
        var sessions = payer.Provider.GetRequiredService<TempoSessions>();

        var events = new List<TempoStreamEvent>();
        await foreach (var e in sessions.StreamAsync(payer.Http, new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "stream?tokens=20"))))
        {
            events.Add(e);
        }

        var data = events.Where(e => e.Kind == TempoStreamEventKind.Data).Select(e => e.Data).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"token-{i} "), data);
        Assert.Equal(19 * 100L, (long)events[^1].Authorized); // the open paid the first token; 19 vouchers the rest
        var receipt = events.Last(e => e.Kind == TempoStreamEventKind.Receipt);
        Assert.Equal(20 * 100L, (long)receipt.Spent!.Value);
        Assert.Equal(0.002m, (await payer.Ledger.GetUsageAsync("usd", null, null, default)).Spent);

        // A second stream with a cost limit of five tokens: stopped with a reason, having paid no more.
        var limited = new List<TempoStreamEvent>();
        await foreach (var e in sessions.StreamAsync(payer.Http, new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "stream?tokens=20")), maxCost: 500))
        {
            limited.Add(e);
        }

        var stopped = limited[^1];
        Assert.Equal(TempoStreamEventKind.Stopped, stopped.Kind);
        Assert.Contains("cost limit", stopped.StopReason, StringComparison.Ordinal);
        Assert.Equal(500L, (long)stopped.Authorized);
        Assert.Equal(6, limited.Count(e => e.Kind == TempoStreamEventKind.Data)); // the request's own token and five paid ones
        Assert.Equal(0.002m + 0.0006m, (await payer.Ledger.GetUsageAsync("usd", null, null, default)).Spent);
    }

    private static decimal Fees(TempoChannel channel) => (decimal)channel.Fees / 1_000_000m;

    private static SessionPayer Payer(FakeTempoChain chain, string? deposit = null, string? topUp = null, string maxDeposit = "2")
    {
        var chainId = chain.ChainId.ToString(CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "100",
            ["Mpp:Budget:PerRequest:usd"] = "0.50",
            ["Mpp:Tempo:PrivateKey"] = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            [$"Mpp:Tempo:Rpc:{chainId}"] = chain.Endpoint.ToString(),
            ["Mpp:Tempo:Session:MaxDeposit"] = maxDeposit,
            ["Mpp:Tempo:Session:Deposit"] = deposit,
            ["Mpp:Tempo:Session:TopUp"] = topUp,
        }).Build();
        var counter = new StatusCounter();
        var services = new ServiceCollection();
        services.AddHttpClient("payer").AddHttpMessageHandler(() => counter);
        services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddTempo();
        var provider = services.BuildServiceProvider();
        return new SessionPayer(provider, counter);
    }

    private sealed class SessionPayer(ServiceProvider provider, StatusCounter counter) : IAsyncDisposable
    {
        public ServiceProvider Provider { get; } = provider;

        public StatusCounter Counter { get; } = counter;

        public HttpClient Http { get; } = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payer");

        public string Address => Provider.GetRequiredService<TempoAccount>().Address;

        public IPaymentLedger Ledger => Provider.GetRequiredService<IPaymentLedger>();

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>Counts the 402s that reach the wire (inside the payment handler, so every round trip is seen).</summary>
    private sealed class StatusCounter : DelegatingHandler
    {
        private int _paymentRequired;

        public int PaymentRequired => Volatile.Read(ref _paymentRequired);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.PaymentRequired)
            {
                Interlocked.Increment(ref _paymentRequired);
            }

            return response;
        }
    }
}
