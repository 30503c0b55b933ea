using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Mpp.Client.Http;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// The .NET twin of interop/mppx/client-bench.mjs: same workload (warm-up, then n paid GETs of /paid, n free GETs of
/// /free through the paying client, n free GETs through a bare client, each with at most `concurrency` in flight) and
/// the same one-line JSON output, so compare-mppx.sh can put both in one table.
/// </summary>
internal static class MppxCompareDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = (Arg(args, "--url") ?? "").TrimEnd('/');
        var n = int.Parse(Arg(args, "--n") ?? "200", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Arg(args, "--concurrency") ?? "1", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Arg(args, "--warmup") ?? Math.Min(20, n).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (url.Length == 0 || n < 1 || concurrency < 1)
        {
            await Console.Error.WriteLineAsync("usage: --mppx-compare --url http://127.0.0.1:PORT [--n 200] [--concurrency 1|16] [--warmup 20]");
            return 2;
        }

        // mppx prices /paid at amount 1000 usd (10.00 usd): no cap, pay in any unit.
        await using var clients = Clients.Uncapped();
        var paid = new Uri(url + "/paid");
        var free = new Uri(url + "/free");

        async Task PaidOnce()
        {
            using var r = await clients.Paying.GetAsync(paid);
            var body = await r.Content.ReadAsStringAsync();
            if (r.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"paid: expected 200, got {(int)r.StatusCode}: {body}");
            }

            var receipt = r.GetPaymentReceipt() ?? throw new InvalidOperationException("paid: missing Payment-Receipt");
            if (receipt.Status != "success" || receipt.Method != "test")
            {
                throw new InvalidOperationException($"paid: unexpected receipt {receipt}");
            }
        }

        Func<Task> FreeOnce(HttpClient client) => async () =>
        {
            using var r = await client.GetAsync(free);
            var body = await r.Content.ReadAsStringAsync();
            if (r.StatusCode != HttpStatusCode.OK || body != "free")
            {
                throw new InvalidOperationException($"free: got {(int)r.StatusCode}: {body}");
            }
        };

        try
        {
            await Run(PaidOnce, warmup, concurrency);
            await Run(FreeOnce(clients.Paying), warmup, concurrency);
            await Run(FreeOnce(clients.Bare), warmup, concurrency);

            var paidMs = await Run(PaidOnce, n, concurrency);

            // Free requests: 10 interleaved rounds (bare, then payment-enabled), so drift hits both sides alike.
            const int rounds = 10;
            var perRound = Math.Max(1, n / rounds);
            double freeMppMs = 0, freeBareMs = 0;
            for (var r = 0; r < rounds; r++)
            {
                freeBareMs += await Run(FreeOnce(clients.Bare), perRound, concurrency);
                freeMppMs += await Run(FreeOnce(clients.Paying), perRound, concurrency);
            }

            var freeN = perRound * rounds;

            // Same keys as client-bench.mjs ("free_mppx_rps" = free requests through the payment-enabled client).
            var line = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["client"] = "Mpp.Client",
                ["paid_rps"] = Rps(n, paidMs),
                ["paid_ms_total"] = Math.Round(paidMs, 2),
                ["free_mppx_rps"] = Rps(freeN, freeMppMs),
                ["free_bare_rps"] = Rps(freeN, freeBareMs),
                ["n"] = n,
                ["concurrency"] = concurrency,
            });
            Console.Out.Write(line + "\n");
            return 0;
        }
#pragma warning disable CA1031 // report any failure as the exit code, like client-bench.mjs
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync("mppx-compare failed: " + e);
            return 1;
        }
    }

    private static double Rps(int count, double ms) => Math.Round(count / (ms / 1000), 2);

    private static async Task<double> Run(Func<Task> fn, int count, int concurrency)
    {
        var sw = Stopwatch.StartNew();
        if (concurrency <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                await fn();
            }
        }
        else
        {
            var next = 0;
            async Task Worker()
            {
                while (Interlocked.Increment(ref next) <= count)
                {
                    await fn();
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(Worker)));
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
