using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;

using static Mpp.Client.Benchmarks.RatioTiming;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--voucher-rate [rounds] [seconds]</c>: issue 18's "vouchers signed per second on one core", counted directly. One
/// thread signs vouchers (EIP-712 digest + secp256k1 sign + hex, each for a higher cumulative amount, as a session does)
/// for the given seconds, then bare native signs of a 32-byte digest for as long, alternating, per round. Reported per
/// second of wall time and per second of the process's CPU time (what one core gives, whatever else the machine runs).
/// </summary>
internal static class VoucherRateDriver
{
    private const string ChannelId = "0x6d0f4fdf1f2f6a1f6c1b0fbd6a7d5c2c0a8d3d7b1f6a9c1b3e2d4a5b6c7d8e9f";

    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--voucher-rate").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => double.TryParse(a, CultureInfo.InvariantCulture, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? (int)numbers[0] : 5;
        var seconds = numbers.Length > 1 ? numbers[1] : 3;
        if (!NativeSecp256k1.IsAvailable)
        {
            throw new InvalidOperationException("Native libsecp256k1 did not load.");
        }

        var signer = new TempoKeySigner(TempoPrivateKey.FromHex(TempoCredentialBenchmarks.PrivateKeyHex));
        var secret = Convert.FromHexString(TempoCredentialBenchmarks.PrivateKeyHex[2..]);
        var digest = SessionVoucher.Hash(SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, 1);
        var amount = BigInteger.One;

        int Vouchers(TimeSpan span)
        {
            var count = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < span)
            {
                for (var i = 0; i < 64; i++)
                {
                    amount += 1;
                    var voucher = SessionVoucher.SignAsync(signer, SessionProtocol.V2, EscrowAbi.PrecompileAddress, TempoCredentialBenchmarks.ChainId, ChannelId, amount, CancellationToken.None)
                        .GetAwaiter().GetResult();
                    count += voucher.Signature.Length == 132 ? 1 : throw new InvalidOperationException("bad voucher");
                }
            }

            return count;
        }

        int BareSigns(TimeSpan span)
        {
            var count = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < span)
            {
                for (var i = 0; i < 64; i++)
                {
                    count += Secp256k1Net.Secp256k1.SignRecoverable(digest, secret).RecoveryId <= 1 ? 1 : 0;
                }
            }

            return count;
        }

        (double Wall, double Cpu) Rate(Func<TimeSpan, int> work, TimeSpan span)
        {
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var count = work(span);
            wall.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            return (count / wall.Elapsed.TotalSeconds, count / cpu);
        }

        Vouchers(TimeSpan.FromSeconds(2)); // warm-up: tiered JIT
        BareSigns(TimeSpan.FromSeconds(1));
        var span = TimeSpan.FromSeconds(seconds);
        var rows = new List<(double VWall, double VCpu, double SWall, double SCpu)>();
        for (var r = 0; r < rounds; r++)
        {
            var v = Rate(Vouchers, span);
            var s = Rate(BareSigns, span);
            rows.Add((v.Wall, v.Cpu, s.Wall, s.Cpu));
        }

        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "?";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| vouchers/s (wall) | vouchers/s per CPU-second | bare native signs/s (wall) | bare signs/s per CPU-second | voucher / bare sign (CPU) | rounds × s | load at end |"));
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **{Median(rows.Select(x => x.VWall)):N0}** | **{Median(rows.Select(x => x.VCpu)):N0}** | {Median(rows.Select(x => x.SWall)):N0} | {Median(rows.Select(x => x.SCpu)):N0} | {Median(rows.Select(x => x.SCpu / x.VCpu)):F2}× | {rounds} × {seconds} | {load} |"));
        return 0;
    }
}
