using System.Diagnostics;
using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Testing;

using static Mpp.Client.Benchmarks.RatioTiming;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--paid-ratio [rounds] [n]</c>: the paid/unpaid ratio measured interleaved. Each round times n unpaid requests (the
/// 402, <see cref="PaymentMode.Disabled"/>) and then n paid requests to the same route of <see cref="MppTestServer"/>; the
/// report is the median of the per-round ratios. Interleaving puts baseline and paid run side by side in time, so machine
/// drift (two cores shared by client, server and the OS) hits both, which a BenchmarkDotNet run of one benchmark after the
/// other cannot do.
/// </summary>
internal static class PaidRatioDriver
{
    /// <summary>The route every paid benchmark uses: <c>/paid</c> at 0.01 usd.</summary>
    public static async Task<MppTestServer> StartServerAsync()
    {
        var server = await MppTestServer.StartAsync(new MppTestServerOptions { MaxRecordedRequests = 100 });
        server.MapPaid("/paid", new PriceOption("1"));
        return server;
    }

    /// <summary>
    /// <c>--serve</c>: runs the benchmark server alone and prints <c>LISTENING &lt;url&gt;</c>, until stdin closes, so that
    /// it can run in its own process on its own core (<c>taskset</c>) while <c>--paid-ratio --url</c> measures the client.
    /// </summary>
    public static async Task<int> ServeAsync()
    {
        await using var server = await StartServerAsync();
        Console.WriteLine($"LISTENING {server.BaseAddress}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--paid-ratio").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.TryParse(a, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? numbers[0] : 15;
        var n = numbers.Length > 1 ? numbers[1] : 1000;
        var external = args.SkipWhile(a => a != "--url").Skip(1).FirstOrDefault();
        await using var server = external is null ? await StartServerAsync() : null;
        var url = external is null ? server!.Url("/paid") : new Uri(new Uri(external), "/paid");
        await using var clients = Clients.Uncapped();
        var http = clients.Paying;

        async Task Unpaid()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url).SetPaymentMode(PaymentMode.Disabled);
            using var response = await http.SendAsync(request);
            _ = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.PaymentRequired)
            {
                throw new InvalidOperationException($"unpaid: {response.StatusCode}");
            }
        }

        async Task Paid()
        {
            using var response = await http.GetAsync(url);
            _ = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK || response.GetPaymentReceipt() is null)
            {
                throw new InvalidOperationException($"paid: {response.StatusCode}");
            }
        }

        await TimeAsync(Unpaid, n);
        await TimeAsync(Paid, n); // warm-up
        var unpaid = new List<double>();
        var paid = new List<double>();
        var ratios = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var u = await TimeAsync(Unpaid, n);
            var p = await TimeAsync(Paid, n);
            unpaid.Add(u);
            paid.Add(p);
            ratios.Add(p / u);
        }

        Console.WriteLine($"| median of round ratios | ratio of medians | paid median | unpaid median | round ratios min–max | rounds × n |");
        Console.WriteLine($"|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| **{Median(ratios):F2}×** | {Median(paid) / Median(unpaid):F2}× | {Median(paid):F1} µs | {Median(unpaid):F1} µs | {ratios.Min():F2}–{ratios.Max():F2} | {rounds} × {n} |");
        return 0;
    }
}
