using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;

using static Mpp.Client.Benchmarks.RatioTiming;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--session-ratio [rounds] [n]</c>: a tempo/session voucher-paid request beside an unpaid request of the same route
/// (its 402), measured interleaved as <see cref="PaidRatioDriver"/> does, on <see cref="MppTestServer"/> with the shipped
/// <see cref="TempoTestVerifier"/> and a <see cref="FakeTempoChain"/> on loopback. The channel is opened (and one voucher
/// request made) before timing; every timed paid request carries its voucher on the first try, which the driver checks
/// (no challenge is issued during the paid batches). A free route of the same server is timed beside them too, the
/// baseline mppx's own session row uses. Each kind's CPU time (this process: client and server together) and allocations
/// per request are reported beside the wall times: they hold up on a loaded machine where wall times do not.
/// <c>--session-profile paid|unpaid|free [seconds]</c> runs only one kind in a loop, for <c>perf record -g</c> (with
/// <c>DOTNET_PerfMapEnabled=1</c>) to attach to. <c>--session-split</c> splits a paid request into the payer's attach (the
/// voucher signed and the credential written), the round trip (the server's verification included) and the payer's
/// reading of the answer.
/// </summary>
internal static class SessionRatioDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--session-ratio").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.TryParse(a, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? numbers[0] : 15;
        var n = numbers.Length > 1 ? numbers[1] : 300;

        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var verifier = new TempoTestVerifier(chain);
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions { MaxRecordedRequests = 100 }.AddVerifier(verifier));
        server.MapPaid("/session", new PaidRouteOptions { Prices = [new PriceOption("1", FakeTempoChain.PathUsd) { Method = "tempo", Intent = "session" }], DigestBinding = false });
        server.MapFree("/free");
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(o => o.AllowUncappedUnits = true).AddTempo(o =>
        {
            o.PrivateKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            o.Rpc[chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = chain.Endpoint.ToString();
            o.Session.MaxDeposit = "10"; // 10,000,000 base units: far more than the run spends at 1 per request
        });
        await using var provider = services.BuildServiceProvider();
        chain.Fund(FakeTempoChain.PathUsd, provider.GetRequiredService<TempoAccount>().Address, 100_000_000);
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("session");
        var url = server.Url("/session");
        var free = server.Url("/free");

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

        async Task Free()
        {
            using var response = await http.GetAsync(free);
            _ = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"free: {response.StatusCode}");
            }
        }

        async Task Paid()
        {
            using var response = await http.GetAsync(url);
            _ = await response.Content.ReadAsByteArrayAsync();
            // A voucher sent on the first try leaves no PaymentOutcome on the response; its receipt header is there.
            if (response.StatusCode != HttpStatusCode.OK || !response.Headers.Contains("Payment-Receipt"))
            {
                throw new InvalidOperationException($"paid: {response.StatusCode}");
            }
        }

        // The two signature operations a voucher-paid request cannot avoid, timed in the same rounds: the payer's sign and
        // the server's recovery of the signer (the SessionVoucherBenchmarks inputs).
        var signer = new Mpp.Client.Tempo.Keys.TempoKeySigner(Mpp.Client.Tempo.Keys.TempoPrivateKey.FromHex(TempoCredentialBenchmarks.PrivateKeyHex));
        const string channelId = "0x" + "ab" + "00000000000000000000000000000000000000000000000000000000000000";
        var signature = (await Mpp.Client.Tempo.Session.SessionVoucher.SignAsync(signer, Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, channelId, 1000, CancellationToken.None)).Signature;
        Task Crypto()
        {
            _ = Mpp.Client.Tempo.Session.SessionVoucher.SignAsync(signer, Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, channelId, 1000, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            _ = Mpp.Client.Tempo.Session.SessionVoucher.Recover(Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, channelId, 1000, signature);
            return Task.CompletedTask;
        }

        await Paid(); // 402, then the open
        await Paid(); // the first voucher on the first try
        // Warm-up until the JIT has settled: tiered compilation keeps recompiling the paid path's many methods (the
        // secp256k1 code above all) for seconds on a busy machine, and a round timed meanwhile counts the JIT's work
        // (and slower tier-0 code) as the request's. Settled = a whole warm-up round compiled no new method.
        var warmup = Stopwatch.StartNew();
        var warmupRounds = 0;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        do
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await TimeAsync(Unpaid, n);
            await TimeAsync(Free, n);
            await TimeAsync(Paid, n);
            await TimeAsync(Crypto, Math.Max(1, n / 4));
            await Task.Delay(200); // the tier-up timer's delay (100 ms) passes with no calls counted
            warmupRounds++;
        }
        while (System.Runtime.JitInfo.GetCompiledMethodCount() != compiled && warmup.Elapsed < TimeSpan.FromSeconds(60) && !args.Contains("--no-settle"));

        Console.WriteLine($"warm-up: {warmupRounds} rounds of {n} each in {warmup.Elapsed.TotalSeconds:F1} s; methods compiled: {System.Runtime.JitInfo.GetCompiledMethodCount()}");
        if (args.SkipWhile(a => a != "--session-profile").Skip(1).ToArray() is [var kind, ..] and var rest)
        {
            Func<Task> op = kind switch { "unpaid" => Unpaid, "free" => Free, _ => Paid };
            Console.Error.WriteLine($"profiling from {DateTime.UtcNow:O}");
            var seconds = rest.Length > 1 && int.TryParse(rest[1], out var s) ? s : 20;
            var loop = Stopwatch.StartNew();
            var calls = 0;
            while (loop.Elapsed.TotalSeconds < seconds)
            {
                await op();
                calls++;
            }

            Console.Error.WriteLine($"{kind}: {calls} requests in {loop.Elapsed.TotalSeconds:F1} s");
            return 0;
        }

        if (args.Contains("--session-split"))
        {
            return await SplitAsync(provider, url, n, rounds);
        }

        if (args.Contains("--session-parts"))
        {
            return await PartsAsync(provider, url, free, http, n);
        }

        var unpaid = new List<double>();
        var freeTimes = new List<double>();
        var paid = new List<double>();
        var crypto = new List<double>();
        var cpu = new Dictionary<string, List<double>> { ["paid"] = [], ["unpaid"] = [], ["free"] = [], ["crypto"] = [] };
        var bytes = new Dictionary<string, List<double>> { ["paid"] = [], ["unpaid"] = [], ["free"] = [], ["crypto"] = [] };
        async Task<double> MeasureAsync(string kind, Func<Task> op, int count)
        {
            using var process = Process.GetCurrentProcess();
            var before = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var wall = await TimeAsync(op, count);
            process.Refresh();
            cpu[kind].Add((process.TotalProcessorTime - before).TotalMicroseconds / count);
            bytes[kind].Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count);
            return wall;
        }

        var ratios = new List<double>();
        var freeRatios = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var u = await MeasureAsync("unpaid", Unpaid, n);
            var f = await MeasureAsync("free", Free, n);
            var challenges = server.ChallengesIssued;
            var p = await MeasureAsync("paid", Paid, n);
            if (server.ChallengesIssued != challenges)
            {
                throw new InvalidOperationException("a paid request got a 402: the voucher was not sent on the first try");
            }

            crypto.Add(await MeasureAsync("crypto", Crypto, Math.Max(1, n / 4)));
            unpaid.Add(u);
            freeTimes.Add(f);
            paid.Add(p);
            ratios.Add(p / u);
            freeRatios.Add(p / f);
        }

        var spent = verifier.SessionSpent((await provider.GetRequiredService<Mpp.Client.Tempo.Session.TempoSessions>().ListChannelsAsync()).Single().ChannelId);
        Console.WriteLine($"| paid / unpaid 402 (median of rounds) | ratio of medians | paid / free 200 (median of rounds) | paid median | unpaid 402 median | free median | sign + recover median | round ratios min–max | rounds × n | vouchers charged |");
        Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| **{Median(ratios):F2}×** | {Median(paid) / Median(unpaid):F2}× | {Median(freeRatios):F2}× | {Median(paid):F1} µs | {Median(unpaid):F1} µs | {Median(freeTimes):F1} µs | {Median(crypto):F1} µs | {ratios.Min():F2}–{ratios.Max():F2} | {rounds} × {n} | {spent} |");
        Console.WriteLine();
        Console.WriteLine("| per request (this process: client + server), median of rounds | paid | unpaid 402 | free 200 | sign + recover |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| CPU time | {Median(cpu["paid"]):F0} µs | {Median(cpu["unpaid"]):F0} µs | {Median(cpu["free"]):F0} µs | {Median(cpu["crypto"]):F0} µs |");
        Console.WriteLine($"| allocated | {Median(bytes["paid"]) / 1024:F1} KB | {Median(bytes["unpaid"]) / 1024:F1} KB | {Median(bytes["free"]) / 1024:F1} KB | {Median(bytes["crypto"]) / 1024:F1} KB |");
        // What the paid request costs besides its two signature operations, as a ratio to the unpaid 402: the floor the
        // ratio tends to as the crypto gets faster (each round's paid minus its sign + recover, over its unpaid).
        var withoutCrypto = paid.Zip(crypto, unpaid).Select(t => (t.First - t.Second) / t.Third).ToList();
        Console.WriteLine($"| (paid − sign − recover) / unpaid, wall, median of rounds | {Median(withoutCrypto):F2}× | | | |");
        // On a shared machine the fastest round is the one least disturbed: minima are the steadiest reading there.
        Console.WriteLine($"| wall, fastest round | {paid.Min():F0} µs | {unpaid.Min():F0} µs | {freeTimes.Min():F0} µs | {crypto.Min():F0} µs |");
        Console.WriteLine($"| CPU time, lowest round | {cpu["paid"].Min():F0} µs | {cpu["unpaid"].Min():F0} µs | {cpu["free"].Min():F0} µs | {cpu["crypto"].Min():F0} µs |");
        return 0;
    }

    private static async Task<int> SplitAsync(IServiceProvider provider, Uri url, int n, int rounds)
    {
        var payer = provider.GetServices<IPreemptivePayer>().Single();
        using var raw = new HttpClient();
        var segments = new[] { "attach (sign + credential)", "round trip (server verify + recover)", "on response (receipt, ledger, store)" };
        var cpu = segments.Select(_ => new List<double>()).ToArray();
        var bytes = segments.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds + 2; r++)
        {
            var ticks = new double[3];
            var alloc = new long[3];
            for (var i = 0; i < n; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                var t0 = Stopwatch.GetTimestamp();
                var a0 = GC.GetTotalAllocatedBytes(precise: false);
                if (!await payer.TryAttachAsync(request, CancellationToken.None))
                {
                    throw new InvalidOperationException("no voucher attached");
                }

                var t1 = Stopwatch.GetTimestamp();
                var a1 = GC.GetTotalAllocatedBytes(precise: false);
                using var response = await raw.SendAsync(request);
                _ = await response.Content.ReadAsByteArrayAsync();
                var t2 = Stopwatch.GetTimestamp();
                var a2 = GC.GetTotalAllocatedBytes(precise: false);
                await payer.OnResponseAsync(request, response, CancellationToken.None);
                var t3 = Stopwatch.GetTimestamp();
                var a3 = GC.GetTotalAllocatedBytes(precise: false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"paid: {response.StatusCode}");
                }

                ticks[0] += t1 - t0;
                ticks[1] += t2 - t1;
                ticks[2] += t3 - t2;
                alloc[0] += a1 - a0;
                alloc[1] += a2 - a1;
                alloc[2] += a3 - a2;
            }

            if (r < 2)
            {
                continue; // warm-up
            }

            for (var k = 0; k < 3; k++)
            {
                cpu[k].Add(ticks[k] * 1e6 / Stopwatch.Frequency / n);
                bytes[k].Add(alloc[k] / (double)n);
            }
        }

        Console.WriteLine("| segment of a voucher-paid request (wall, median of rounds) | time | allocated (process) |");
        Console.WriteLine("|---|---:|---:|");
        for (var k = 0; k < 3; k++)
        {
            Console.WriteLine($"| {segments[k]} | {cpu[k].Order().ElementAt(cpu[k].Count / 2):F1} µs | {bytes[k].Order().ElementAt(bytes[k].Count / 2) / 1024:F1} KB |");
        }

        return 0;
    }

    /// <summary>
    /// <c>--session-parts</c>: each step of a voucher-paid request on its own, n times, on a credential and receipt the
    /// driver's own session produced: what the payer and the server do besides the two signature operations.
    /// </summary>
    private static async Task<int> PartsAsync(IServiceProvider provider, Uri url, Uri free, HttpClient http, int n)
    {
        var payer = provider.GetServices<IPreemptivePayer>().Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        _ = await payer.TryAttachAsync(request, CancellationToken.None);
        var header = request.Headers.Authorization!.ToString();
        using var response = await http.GetAsync(url);
        var receiptHeader = response.Headers.GetValues("Payment-Receipt").First();
        var credential = Mpp.Client.Protocol.Credential.Parse(header);
        var receipt = Mpp.Client.Protocol.PaymentReceipt.Parse(receiptHeader);
        var payload = Mpp.Client.Tempo.Session.SessionPayloads.Read(credential.Payload, requireDescriptor: true);
        var voucher = (Mpp.Client.Tempo.Session.SessionVoucherPayload)payload;
        var secret = new byte[32];
        var signer = new Mpp.Client.Tempo.Keys.TempoKeySigner(Mpp.Client.Tempo.Keys.TempoPrivateKey.FromHex(TempoCredentialBenchmarks.PrivateKeyHex));
        using var raw = new HttpClient();
        void Get(Uri target, string? authorization)
        {
            using var r = new HttpRequestMessage(HttpMethod.Get, target);
            if (authorization is not null)
            {
                r.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var a = raw.SendAsync(r).GetAwaiter().GetResult();
            _ = a.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        }

        var parts = new (string Name, Action Op)[]
        {
            ("payer: attach (whole, incl. sign)", () => { using var r = new HttpRequestMessage(HttpMethod.Get, url); _ = payer.TryAttachAsync(r, CancellationToken.None).AsTask().GetAwaiter().GetResult(); }),
            ("voucher sign (SessionVoucher.SignAsync)", () => Mpp.Client.Tempo.Session.SessionVoucher.SignAsync(signer, Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, voucher.ChannelId, voucher.CumulativeAmount, CancellationToken.None).AsTask().GetAwaiter().GetResult()),
            ("voucher recover (SessionVoucher.Recover)", () => Mpp.Client.Tempo.Session.SessionVoucher.Recover(Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, voucher.ChannelId, voucher.CumulativeAmount, voucher.Signature)),
            ("HTTP: unpaid 402 (bare HttpClient)", () => Get(url, null)),
            ("HTTP: free 200 (bare HttpClient)", () => Get(free, null)),
            ("HTTP: free 200 with the credential's Authorization header", () => Get(free, header)),
            // Beside the two rows above: when the two signature operations run between requests, do the requests get slower
            // (caches the secp256k1 tables evicted)? This row minus sign minus recover is what the request costs then.
            ("HTTP: free 200, then sign + recover", () =>
            {
                Get(free, null);
                _ = Mpp.Client.Tempo.Session.SessionVoucher.SignAsync(signer, Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, voucher.ChannelId, voucher.CumulativeAmount, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                _ = Mpp.Client.Tempo.Session.SessionVoucher.Recover(Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, voucher.ChannelId, voucher.CumulativeAmount, voucher.Signature);
            }),
            ("Credential.Parse (header)", () => Mpp.Client.Protocol.Credential.Parse(header)),
            ("Credential.ToHeaderValue", () => credential.ToHeaderValue()),
            ("ChallengeId.Verify", () => Mpp.Client.Protocol.ChallengeId.Verify(secret, credential.Challenge)),
            ("TempoSessionRequestReader.Read", () => Mpp.Client.Tempo.Session.TempoSessionRequestReader.Read(credential.Challenge)),
            ("SessionPayloads.Read", () => Mpp.Client.Tempo.Session.SessionPayloads.Read(credential.Payload, requireDescriptor: true)),
            ("SessionPayloads.ToJson", () => Mpp.Client.Tempo.Session.SessionPayloads.ToJson(voucher)),
            ("ChannelDescriptor.ComputeChannelId", () => voucher.Descriptor!.ComputeChannelId(Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431)),
            ("SessionVoucher.Hash", () => Mpp.Client.Tempo.Session.SessionVoucher.Hash(Mpp.Client.Tempo.Session.SessionProtocol.V2, Mpp.Client.Tempo.Session.EscrowAbi.PrecompileAddress, 42431, voucher.ChannelId, voucher.CumulativeAmount)),
            ("PaymentReceipt.Serialize", () => receipt.Serialize()),
            ("PaymentReceipt.Parse", () => Mpp.Client.Protocol.PaymentReceipt.Parse(receiptHeader)),
            ("SessionReceipt.FromReceipt", () => Mpp.Client.Tempo.Session.SessionReceipt.FromReceipt(receipt)),
        };
        Console.WriteLine($"credential header: {header.Length} chars; receipt header: {receiptHeader.Length} chars");
        Console.WriteLine("| step | time | allocated |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, op) in parts)
        {
            for (var i = 0; i < n; i++)
            {
                op();
            }

            var best = double.MaxValue;
            long bytes = 0;
            for (var r = 0; r < 5; r++)
            {
                var a = GC.GetAllocatedBytesForCurrentThread();
                var t = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    op();
                }

                best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalMicroseconds / n);
                bytes = (GC.GetAllocatedBytesForCurrentThread() - a) / n;
            }

            Console.WriteLine($"| {name} | {best:F2} µs | {bytes / 1024.0:F2} KB |");
        }

        return 0;
    }
}
