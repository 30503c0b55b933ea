using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Charge;

namespace Mpp.Client.Tempo.Tests.Interop;

/// <summary>
/// The public registration (<c>AddTempo()</c> from configuration) against mppx 0.11.0's own tempo charge method: pull
/// and push (the client broadcasts to the fake chain and sends the hash; mppx looks the receipt up and checks its logs).
/// </summary>
[Trait("Category", "Interop")]
public sealed class MppxTempoPushInteropTests(MppxTempoServerFixture mppx) : IClassFixture<MppxTempoServerFixture>
{
    private static readonly BigInteger Funds = 10_000_000;

    [Fact]
    public async Task Mppx_accepts_a_push_payment_broadcast_by_the_configured_wallet()
    {
        await using var payer = ConfiguredPayer.Start(mppx);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);
        var sentByUs = mppx.Chain.CountOf("eth_sendRawTransactionSync");

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "push"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{mppx.ServerLog}");
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        var receipt = Assert.IsType<PaymentReceipt>(outcome.Receipt);
        Assert.Equal(recipientBefore + 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
        Assert.Equal(Funds - 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, payer.Address));
        Assert.Equal(sentByUs + 1, mppx.Chain.CountOf("eth_sendRawTransactionSync")); // we broadcast, mppx did not
        var mined = mppx.Chain.Receipt(receipt.Reference) ?? throw new InvalidOperationException("no receipt");
        Assert.Equal(payer.Address.ToLowerInvariant(), (string?)mined["from"]);
    }

    [Fact]
    public async Task Mppx_accepts_a_pull_payment_from_the_configured_wallet()
    {
        await using var payer = ConfiguredPayer.Start(mppx);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var recipientBefore = mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient);

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(recipientBefore + 10_000, mppx.Chain.BalanceOf(TempoChains.PathUsd, mppx.Recipient));
    }

    [Fact]
    public async Task A_push_only_route_is_refused_when_push_is_not_allowed_and_nothing_moves()
    {
        await using var payer = ConfiguredPayer.Start(mppx, allowPush: false);
        mppx.Chain.Fund(TempoChains.PathUsd, payer.Address, Funds);
        var sends = mppx.Chain.CountOf("eth_sendRawTransactionSync");

        using var response = await payer.Http.GetAsync(new Uri(mppx.BaseAddress, "push"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.NotEqual(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        Assert.Equal(sends, mppx.Chain.CountOf("eth_sendRawTransactionSync"));
        Assert.Equal(Funds, mppx.Chain.BalanceOf(TempoChains.PathUsd, payer.Address));
    }

    private sealed class ConfiguredPayer : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private ConfiguredPayer(ServiceProvider provider)
        {
            _provider = provider;
            Address = provider.GetRequiredService<TempoChargeMethod>().Address;
            Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        }

        public string Address { get; }

        public HttpClient Http { get; }

        public static ConfiguredPayer Start(MppxTempoServerFixture mppx, bool allowPush = true)
        {
            var chainId = mppx.Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mpp:Budget:PerDay:usd"] = "100",
                ["Mpp:Tempo:PrivateKey"] = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                [$"Mpp:Tempo:Rpc:{chainId}"] = mppx.Chain.Endpoint.ToString(),
                ["Mpp:Tempo:AllowPush"] = allowPush ? "true" : "false",
            }).Build();
            var services = new ServiceCollection();
            services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddTempo();
            return new ConfiguredPayer(services.BuildServiceProvider());
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _provider.DisposeAsync();
        }
    }
}
