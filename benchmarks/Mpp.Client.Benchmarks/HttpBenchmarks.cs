using System.Net;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Http;
using Mpp.Client.Testing;

namespace Mpp.Client.Benchmarks;

/// <summary>(a) A free 200 through the full payment pipeline vs a bare client from the same factory. Target ≤ 1.02×.</summary>
[MemoryDiagnoser]
public class FreeRequestBenchmarks
{
    private MppTestServer _server = null!;
    private Clients _clients = null!;
    private Uri _url = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await MppTestServer.StartAsync();
        _server.MapFree("/free");
        _url = _server.Url("/free");
        _clients = Clients.Uncapped();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpStatusCode> BareClient() => GetAsync(_clients.Bare);

    [Benchmark]
    public Task<HttpStatusCode> PayingClient() => GetAsync(_clients.Paying);

    private async Task<HttpStatusCode> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(_url);
        _ = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"free: {response.StatusCode}");
        }

        return response.StatusCode;
    }
}

/// <summary>(b) End-to-end paid GET (402 → credential → 200 + receipt) vs one unpaid request to the same route. Target ≤ 2.1×.</summary>
[MemoryDiagnoser]
public class PaidChargeBenchmarks
{
    private MppTestServer _server = null!;
    private Clients _clients = null!;
    private Uri _url = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await MppTestServer.StartAsync();
        _server.MapPaid("/paid", new PriceOption("1"));
        _url = _server.Url("/paid");
        _clients = Clients.Uncapped();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<HttpStatusCode> Unpaid402()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url).SetPaymentMode(PaymentMode.Disabled);
        using var response = await _clients.Paying.SendAsync(request);
        _ = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.PaymentRequired)
        {
            throw new InvalidOperationException($"unpaid: {response.StatusCode}");
        }

        return response.StatusCode;
    }

    [Benchmark]
    public async Task<HttpStatusCode> PaidCharge()
    {
        using var response = await _clients.Paying.GetAsync(_url);
        _ = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK || response.GetPaymentReceipt() is null)
        {
            throw new InvalidOperationException($"paid: {response.StatusCode}");
        }

        return response.StatusCode;
    }
}

/// <summary>
/// (e) 1,000 concurrent paid requests against one daily cap: time to drain. Price 0.01 usd, demand 10.00 usd. After each
/// invocation, spend must equal min(cap, demand) exactly, in the client ledger and on the server (throws otherwise).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class ConcurrentDrainBenchmarks
{
    private const int Requests = 1000;
    private const decimal Price = 0.01m;
    private MppTestServer _server = null!;
    private Clients _clients = null!;
    private Uri _url = null!;
    private decimal _settledBefore;

    /// <summary>The daily usd cap: 3.00 (cap binds: 300 of 1,000 paid) or 20 (demand binds: all 1,000 paid).</summary>
    [Params("3.00", "20")]
    public string Cap { get; set; } = "3.00";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await MppTestServer.StartAsync();
        _server.MapPaid("/cheap", new PriceOption("1"));
        _url = _server.Url("/cheap");
        _clients = Clients.Create(o =>
        {
            o.Budget.PerDay["usd"] = Cap;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [IterationSetup]
    public void ResetLedger()
    {
        _clients.Ledger.Reset();
        _settledBefore = (decimal)_server.SettledTotal("usd");
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Unpaid1000()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url).SetPaymentMode(PaymentMode.Disabled);
            using var r = await _clients.Paying.SendAsync(request);
            return r.StatusCode;
        }));
        return statuses.Count(s => s == HttpStatusCode.PaymentRequired);
    }

    [Benchmark]
    public async Task<int> Paid1000()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var r = await _clients.Paying.GetAsync(_url);
            return r.StatusCode;
        }));
        var ok = statuses.Count(s => s == HttpStatusCode.OK);
        var expected = Math.Min(decimal.Parse(Cap, System.Globalization.CultureInfo.InvariantCulture), Requests * Price);
        var spent = await _clients.Ledger.Current.GetSpentAsync("usd", null, null, default);
        var settled = ((decimal)_server.SettledTotal("usd") - _settledBefore) * Price;
        if (spent != expected || settled != expected || ok * Price != expected)
        {
            throw new InvalidOperationException($"overspend/underspend: ledger {spent}, server {settled}, 200s {ok}, expected {expected}");
        }

        return ok;
    }
}
