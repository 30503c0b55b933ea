using System.Net;
using System.Numerics;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Interop;

/// <summary>
/// The internal Tempo wallet against the reference SDK's server: mppx 0.11.0 with its own <c>tempo</c> charge method
/// (no custom verify) simulates, broadcasts and checks our pull-mode transactions against the fake chain.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MppxTempoInteropTests(MppxTempoServerFixture mppx) : IClassFixture<MppxTempoServerFixture>
{
    private static readonly BigInteger Funds = 10_000_000;

    [Fact]
    public async Task Mppx_tempo_charge_accepts_our_pull_transaction()
    {
        await using var payer = Payer.Start(mppx);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);
        var simulated = mppx.Chain.CountOf("eth_call");
        var broadcast = mppx.Chain.CountOf("eth_sendRawTransactionSync");

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "paid"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{mppx.ServerLog}");
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        var receipt = Assert.IsType<PaymentReceipt>(outcome.Receipt);
        Assert.Equal("tempo", receipt.Method);
        Assert.Equal("success", receipt.Status);
        Assert.Equal(recipientBefore + 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
        Assert.Equal(Funds - 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, payer.Address));
        Assert.True(mppx.Chain.CountOf("eth_call") > simulated); // mppx simulated our transaction…
        Assert.True(mppx.Chain.CountOf("eth_sendRawTransactionSync") > broadcast); // …and broadcast it itself (pull mode)

        // mppx's receipt reference is the hash the fake chain mined; its logs carry our challenge-bound memo.
        var memo = AttributionMemo.Encode(outcome.Quote!.Challenge.Id, MppxTempoServerFixture.Realm, clientId: null);
        var logs = mppx.Chain.Receipt(receipt.Reference)?["logs"]?.AsArray() ?? throw new InvalidOperationException("no receipt for " + receipt.Reference);
        var memoLog = Assert.Single(logs, l => (string?)l!["topics"]![0] == FakeTempoChain.TransferWithMemoTopic);
        Assert.Equal(Hex.Encode(memo), (string?)memoLog!["topics"]![3]);
    }

    [Fact]
    public async Task Mppx_tempo_charge_accepts_our_split_transaction()
    {
        await using var payer = Payer.Start(mppx);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);
        var splitBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.SplitRecipient);

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "split"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{mppx.ServerLog}");
        Assert.Equal(recipientBefore + 8_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
        Assert.Equal(splitBefore + 2_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.SplitRecipient));
        Assert.Equal(Funds - 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, payer.Address));
    }

    [Fact]
    public async Task Mppx_tempo_charge_accepts_our_zero_amount_proof()
    {
        await using var payer = Payer.Start(mppx);
        var sent = mppx.Chain.CountOf("eth_sendRawTransactionSync") + mppx.Chain.CountOf("eth_sendRawTransaction");
        var requests = mppx.Chain.Requests.Count;

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "proof"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{mppx.ServerLog}");
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(outcome.Quote!.Challenge.Id, outcome.Receipt!.Reference);
        Assert.Equal(sent, mppx.Chain.CountOf("eth_sendRawTransactionSync") + mppx.Chain.CountOf("eth_sendRawTransaction"));
        // viem's verifyTypedData first tries a deployless (ERC-6492) verifier through eth_call; the fake runs no EVM
        // bytecode and refuses it, and viem then recovers the EOA from our signature locally.
        Assert.All(mppx.Chain.Requests.Skip(requests), r => Assert.Equal("eth_call", r.Method));
    }

    [Fact]
    public async Task Mppx_tempo_charge_co_signs_and_broadcasts_our_fee_payer_handoff()
    {
        await using var payer = Payer.Start(mppx);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "sponsored"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{mppx.ServerLog}");
        var outcome = response.GetPaymentOutcome()!;
        Assert.Null(outcome.Quote!.Terms.Fee); // the sponsor pays the fee
        Assert.Equal(recipientBefore + 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
        Assert.Equal(Funds - 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, payer.Address));
        var mined = mppx.Chain.Receipt(outcome.Receipt!.Reference) ?? throw new InvalidOperationException("no receipt");
        Assert.Equal(payer.Address.ToLowerInvariant(), (string?)mined["from"]);
        Assert.Equal(mppx.FeePayer.ToLowerInvariant(), (string?)mined["feePayer"]);
    }

    [Fact]
    public async Task Mppx_tempo_charge_refuses_an_unfunded_payer_after_simulating_on_the_fake_chain()
    {
        await using var payer = Payer.Start(mppx);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);
        var broadcast = mppx.Chain.CountOf("eth_sendRawTransactionSync");
        var simulated = mppx.Chain.CountOf("eth_call");

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "paid"));

        Assert.True(mppx.Chain.CountOf("eth_call") > simulated);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        Assert.Equal(broadcast, mppx.Chain.CountOf("eth_sendRawTransactionSync"));
        Assert.Equal(recipientBefore, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
    }

    private sealed class Payer : IAsyncDisposable
    {
        private readonly HttpClient _rpcHttp;
        private readonly ServiceProvider _provider;

        private Payer(HttpClient rpcHttp, ServiceProvider provider, TempoChargeMethod method)
        {
            _rpcHttp = rpcHttp;
            _provider = provider;
            Address = method.Address;
            Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        }

        public string Address { get; }

        public HttpClient Http { get; }

        public static Payer Start(MppxTempoServerFixture mppx)
        {
            var rpcHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var rpc = new TempoRpcClient(rpcHttp, mppx.Chain.Endpoint, TimeProvider.System);
            var method = new TempoChargeMethod(TestPayer.NewKey(), rpc, TimeProvider.System);
            var services = new ServiceCollection();
            services.AddHttpClient().AddMppPayments(o => o.Budget.PerDay["usd"] = "100").AddPaymentMethod(method);
            return new Payer(rpcHttp, services.BuildServiceProvider(), method);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _provider.DisposeAsync();
            _rpcHttp.Dispose();
        }
    }
}
