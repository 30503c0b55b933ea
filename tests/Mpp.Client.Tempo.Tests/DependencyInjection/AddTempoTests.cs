using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.DependencyInjection;

/// <summary>
/// <c>AddTempo()</c>: configuration checked with every problem listed and no secret repeated, the chain allow-list, an
/// external <see cref="ITempoSigner"/>, and the RPC round trips of a steady stream of payments, counted on the wire.
/// </summary>
public sealed class AddTempoTests
{
    private static readonly BigInteger Funds = 10_000_000;

    private static string NewKeyHex() => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<MppBuilder>? extra = null, Action<IServiceCollection>? services = null)
    {
        settings.TryAdd("Mpp:Budget:PerDay:usd", "100");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var builder = collection.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp"));
        (extra ?? (b => b.AddTempo()))(builder);
        return collection.BuildServiceProvider();
    }

    [Fact]
    public void Every_configuration_problem_is_listed_at_once_and_no_secret_is_repeated()
    {
        using var provider = Build(new()
        {
            ["Mpp:Tempo:PrivatKey"] = "typo",
            ["Mpp:Tempo:PrivateKey"] = "0x" + new string('a', 63) + "SECRETKEY",
            ["Mpp:Tempo:Rpc:testnet"] = "https://rpc.example/v1/APIKEY-SECRET",
            ["Mpp:Tempo:Rpc:42431"] = "not a url APIKEY-SECRET",
            ["Mpp:Tempo:RpcRetries"] = "9",
            ["Mpp:Tempo:MaxSplits"] = "-1",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient());

        var failures = string.Join("\n", e.Failures);
        Assert.Contains("Mpp:Tempo:PrivatKey is not a Tempo setting", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo:PrivateKey is not usable", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo:Rpc:testnet is not a chain id", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo:Rpc:42431 is not an absolute http(s) URL", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo:RpcRetries", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo:MaxSplits", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("aaaaaaaa", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_key_and_no_signer_is_a_start_error()
    {
        using var provider = Build(new() { ["Mpp:Tempo:Rpc:42431"] = "https://rpc.moderato.tempo.xyz" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<TempoChargeMethod>());

        Assert.Contains(e.Failures, f => f.Contains("no key to sign with", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_and_a_signer_together_are_a_start_error_and_no_rpc_is_an_error()
    {
        var signer = new ForeignSigner(TestPayer.NewKey());
        using var provider = Build(new() { ["Mpp:Tempo:PrivateKey"] = NewKeyHex() }, b => b.AddTempo(signer));

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<TempoChargeMethod>());

        Assert.Contains(e.Failures, f => f.Contains("use one of them", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Rpc lists no chain", StringComparison.Ordinal));
    }

    [Fact]
    public void AddTempo_twice_is_refused_at_registration()
    {
        var services = new ServiceCollection();
        var builder = services.AddMpp().AddTempo();

        Assert.Throws<InvalidOperationException>(() => builder.AddTempo());
    }

    [Fact]
    public void Options_text_never_shows_the_key()
    {
        var key = NewKeyHex();
        var options = new TempoOptions { PrivateKey = key, Rpc = { ["42431"] = "https://rpc.moderato.tempo.xyz" } };

        Assert.DoesNotContain(key[2..18], options.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pays_from_configuration_and_a_chain_without_a_node_is_refused_before_any_io()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        await using var server = await StartServerAsync(chain);
        var counter = new CountingHandler();
        using var provider = Build(
            new() { ["Mpp:Tempo:PrivateKey"] = NewKeyHex(), ["Mpp:Tempo:Rpc:42431"] = chain.Endpoint.ToString() },
            services: s => s.AddHttpClient(TempoMppBuilderExtensions.RpcHttpClientName).AddHttpMessageHandler(() => counter));
        var payer = provider.GetRequiredService<TempoChargeMethod>().Address;
        chain.Fund(TempoChains.PathUsd, payer, Funds);
        var payee = TestPayer.NewAddress();
        server.MapPaid("/testnet", TempoPayingHarness.Price("1000", payee, new { chainId = TempoChains.TestnetChainId }));
        server.MapPaid("/mainnet", TempoPayingHarness.Price("1000", payee, new { chainId = TempoChains.MainnetChainId }));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var refused = await http.GetAsync(server.Url("/mainnet"));
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(0, counter.Count); // no node is configured for 4217: refused before any RPC

        using var paid = await http.GetAsync(server.Url("/testnet"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(new BigInteger(1000), chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task The_configured_key_never_reaches_a_log_an_outcome_or_an_exception()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        await using var server = await StartServerAsync(chain);
        var key = NewKeyHex();
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        using var provider = Build(
            new() { ["Mpp:Tempo:PrivateKey"] = key, ["Mpp:Tempo:Rpc:42431"] = chain.Endpoint.ToString() },
            services: s => s.AddLogging(b => b.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace)
                .AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs))));
        chain.Fund(TempoChains.PathUsd, provider.GetRequiredService<TempoAccount>().Address, Funds);
        server.MapPaid("/paid", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId }));
        server.MapPaid("/refused", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), new { chainId = TempoChains.MainnetChainId }));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var paid = await http.GetAsync(server.Url("/paid"));
        using var refused = await http.GetAsync(server.Url("/refused"));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var texts = logs.GetSnapshot().Select(r => r.Message + r.Exception)
            .Append(paid.GetPaymentOutcome()!.ToString())
            .Append(refused.GetPaymentOutcome()!.ToString())
            .Append(string.Join("\n", refused.GetPaymentOutcome()!.Rejections))
            .Append(provider.GetRequiredService<TempoChargeMethod>().ToString())
            .Append(provider.GetRequiredService<IOptions<TempoOptions>>().Value.ToString());
        Assert.NotEmpty(logs.GetSnapshot());
        foreach (var text in texts)
        {
            Assert.DoesNotContain(key[2..18], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(key[^16..], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(chain.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/", text, StringComparison.Ordinal); // no node URL either
        }
    }

    [Fact]
    public async Task A_steady_stream_of_payments_costs_at_most_one_rpc_round_trip_each()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        await using var server = await StartServerAsync(chain);
        var counter = new CountingHandler();
        using var provider = Build(
            new() { ["Mpp:Tempo:PrivateKey"] = NewKeyHex(), ["Mpp:Tempo:Rpc:42431"] = chain.Endpoint.ToString(), ["Mpp:Tempo:FeeDataLifetime"] = "00:00:00" },
            services: s => s.AddHttpClient(TempoMppBuilderExtensions.RpcHttpClientName).AddHttpMessageHandler(() => counter));
        var payer = provider.GetRequiredService<TempoChargeMethod>().Address;
        chain.Fund(TempoChains.PathUsd, payer, Funds);
        var payee = TestPayer.NewAddress();
        server.MapPaid("/x", TempoPayingHarness.Price("1000", payee, new { chainId = TempoChains.TestnetChainId }));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using (var first = await http.GetAsync(server.Url("/x")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // First payment: chain id, estimate, fee data (batched) = 3 round trips. Fee data is never reused here
        // (FeeDataLifetime 0), the worst case: each later payment asks for it once and reuses the gas estimate.
        Assert.Equal(3, counter.Count);
        for (var i = 0; i < 4; i++)
        {
            var before = counter.Count;
            using var response = await http.GetAsync(server.Url("/x"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, counter.Count - before);
        }

        Assert.Equal(1, chain.CountOf("eth_estimateGas"));
        Assert.Equal(new BigInteger(5000), chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task Pays_with_a_registered_signer_and_normalises_a_high_s_signature()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        await using var server = await StartServerAsync(chain);
        var signer = new ForeignSigner(TestPayer.NewKey()) { HighS = true };
        using var provider = Build(new() { ["Mpp:Tempo:Rpc:42431"] = chain.Endpoint.ToString() }, b => b.AddTempo(signer));
        chain.Fund(TempoChains.PathUsd, signer.Address, Funds);
        var payee = TestPayer.NewAddress();
        server.MapPaid("/x", TempoPayingHarness.Price("2500", payee, new { chainId = TempoChains.TestnetChainId }));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(server.Url("/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, signer.Calls);
        Assert.Equal(new BigInteger(2500), chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task A_signer_that_signs_with_another_key_is_refused_and_nothing_is_sent()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        await using var server = await StartServerAsync(chain);
        var signer = new ForeignSigner(TestPayer.NewKey()) { SignWith = TestPayer.NewKey() };
        using var provider = Build(new() { ["Mpp:Tempo:Rpc:42431"] = chain.Endpoint.ToString() }, b => b.AddTempo(signer));
        chain.Fund(TempoChains.PathUsd, signer.Address, Funds);
        server.MapPaid("/x", TempoPayingHarness.Price("2500", TestPayer.NewAddress(), new { chainId = TempoChains.TestnetChainId }));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await http.GetAsync(server.Url("/x"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.Contains("another key", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(Funds, chain.BalanceOf(TempoChains.PathUsd, signer.Address));
    }

    private static Task<MppTestServer> StartServerAsync(FakeTempoChain chain) =>
        MppTestServer.StartAsync(new MppTestServerOptions().AddTempoVerifier(chain));

    /// <summary>A signer the wallet does not know (as a KMS would be), optionally misbehaving.</summary>
    private sealed class ForeignSigner(TempoPrivateKey key) : ITempoSigner
    {
        private int _calls;

        public string Address => key.Address;

        public bool HighS { get; init; }

        public TempoPrivateKey? SignWith { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var signature = (SignWith ?? key).SignHash(digest.Span);
            if (HighS)
            {
                var n = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);
                var high = (n - signature.SValue).ToByteArray(isUnsigned: true, isBigEndian: true);
                signature = new Mpp.Client.Tempo.Transactions.TempoSignature(signature.R, high, 1 - signature.YParity);
            }

            return new(signature.ToRsv());
        }
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
