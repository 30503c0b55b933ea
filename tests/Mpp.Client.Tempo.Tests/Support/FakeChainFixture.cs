using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>A fresh fake chain, clock, HttpClient and RPC client per test.</summary>
internal sealed class FakeChainFixture : IAsyncDisposable
{
    private FakeChainFixture(FakeTempoChain chain, FakeTimeProvider time, HttpClient http, TempoRpcClient client)
    {
        Chain = chain;
        Time = time;
        Http = http;
        Client = client;
    }

    public FakeTempoChain Chain { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public TempoRpcClient Client { get; }

    public static async Task<FakeChainFixture> StartAsync(ulong chainId = TempoChains.TestnetChainId, TempoRpcClientOptions? options = null)
    {
        var time = new FakeTimeProvider(TestPayer.Start);
        var chain = await FakeTempoChain.StartAsync(time, chainId);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new FakeChainFixture(chain, time, http, new TempoRpcClient(http, chain.Endpoint, time, options));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Chain.DisposeAsync();
    }
}
