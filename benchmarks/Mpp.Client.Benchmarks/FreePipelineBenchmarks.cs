using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// The free path with the network taken out: both clients come from one factory and share an in-memory primary handler
/// that answers 200 at once, so the difference is exactly what <c>AddMppPayments()</c> adds to a request that never pays
/// (one <c>DelegatingHandler</c> hop, the <c>Accept-Payment</c> header, the status check, the header-free logger). The
/// absolute difference, set against the loopback round trip of <see cref="FreeRequestBenchmarks"/>, is the free-path ratio.
/// </summary>
[MemoryDiagnoser]
public class FreePipelineBenchmarks
{
    private static readonly Uri Url = new("https://api.example.com/free");
    private ServiceProvider _provider = null!;
    private HttpClient _paying = null!;
    private HttpClient _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddMpp(o => o.AllowUncappedUnits = true).AddPaymentMethod(new Testing.TestPaymentMethod());
        services.AddHttpClient("paying").AddMppPayments().ConfigurePrimaryHttpMessageHandler(() => new Ok200Handler());
        services.AddHttpClient("bare").ConfigurePrimaryHttpMessageHandler(() => new Ok200Handler());
        _provider = services.BuildServiceProvider();
        var factory = _provider.GetRequiredService<IHttpClientFactory>();
        _paying = factory.CreateClient("paying");
        _bare = factory.CreateClient("bare");
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<HttpStatusCode> BareInMemory()
    {
        using var response = await _bare.GetAsync(Url);
        return response.StatusCode;
    }

    [Benchmark]
    public async Task<HttpStatusCode> PayingInMemory()
    {
        using var response = await _paying.GetAsync(Url);
        return response.StatusCode;
    }

    private sealed class Ok200Handler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
