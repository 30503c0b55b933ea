using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--session-ratio [rounds] [n]</c>: a tempo/session voucher-paid request beside an unpaid request of the same route
/// (its 402), measured interleaved as <see cref="PaidRatioDriver"/> does, on <see cref="MppTestServer"/> with the shipped
/// <see cref="TempoTestVerifier"/> and a <see cref="FakeTempoChain"/> on loopback. The channel is opened (and one voucher
/// request made) before timing; every timed paid request carries its voucher on the first try, which the driver checks
/// (no challenge is issued during the paid batches). A free route of the same server is timed beside them too, the
/// baseline mppx's own session row uses.
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

        static async Task<double> TimeAsync(Func<Task> op, int count)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await op();
            }

            return sw.Elapsed.TotalMicroseconds / count;
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
        await TimeAsync(Unpaid, n);
        await TimeAsync(Free, n);
        await TimeAsync(Paid, n); // warm-up
        var unpaid = new List<double>();
        var freeTimes = new List<double>();
        var paid = new List<double>();
        var crypto = new List<double>();
        var ratios = new List<double>();
        var freeRatios = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var u = await TimeAsync(Unpaid, n);
            var f = await TimeAsync(Free, n);
            var challenges = server.ChallengesIssued;
            var p = await TimeAsync(Paid, n);
            if (server.ChallengesIssued != challenges)
            {
                throw new InvalidOperationException("a paid request got a 402: the voucher was not sent on the first try");
            }

            crypto.Add(await TimeAsync(Crypto, Math.Max(1, n / 4)));
            unpaid.Add(u);
            freeTimes.Add(f);
            paid.Add(p);
            ratios.Add(p / u);
            freeRatios.Add(p / f);
        }

        static double Median(List<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var spent = verifier.SessionSpent((await provider.GetRequiredService<Mpp.Client.Tempo.Session.TempoSessions>().ListChannelsAsync()).Single().ChannelId);
        Console.WriteLine($"| paid / unpaid 402 (median of rounds) | ratio of medians | paid / free 200 (median of rounds) | paid median | unpaid 402 median | free median | sign + recover median | round ratios min–max | rounds × n | vouchers charged |");
        Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| **{Median(ratios):F2}×** | {Median(paid) / Median(unpaid):F2}× | {Median(freeRatios):F2}× | {Median(paid):F1} µs | {Median(unpaid):F1} µs | {Median(freeTimes):F1} µs | {Median(crypto):F1} µs | {ratios.Min():F2}–{ratios.Max():F2} | {rounds} × {n} | {spent} |");
        return 0;
    }
}
