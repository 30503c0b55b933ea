using System.Diagnostics;
using System.Globalization;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--mcp-ratio [rounds] [n]</c>: the paid/free MCP tool call ratio measured interleaved, as <see cref="PaidRatioDriver"/>
/// does for HTTP. Each round times n free tool calls and n paid tool calls (order alternating between rounds) through the
/// same paying client to the same <see cref="Mcp.Testing.McpTestServer"/> (<see cref="McpToolCallBenchmarks"/>' setup);
/// the report is the median of the per-round ratios, so machine drift hits both sides alike, and the same for the process's
/// CPU time (client and server together), which other work on the machine disturbs less than wall time.
/// </summary>
internal static class McpRatioDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--mcp-ratio").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.TryParse(a, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? numbers[0] : 15;
        var n = numbers.Length > 1 ? numbers[1] : 200;
        var bench = new McpToolCallBenchmarks();
        await bench.SetupAsync();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                await bench.FreeToolCall();
                await bench.PaidToolCall();
            }

            var ratios = new List<double>();
            var cpuRatios = new List<double>();
            double freeTotal = 0, paidTotal = 0;
            for (var r = 0; r < rounds; r++)
            {
                (double Wall, double Cpu) free, paid;
                if (r % 2 == 0)
                {
                    free = await TimeAsync(bench.FreeToolCall, n);
                    paid = await TimeAsync(bench.PaidToolCall, n);
                }
                else
                {
                    paid = await TimeAsync(bench.PaidToolCall, n);
                    free = await TimeAsync(bench.FreeToolCall, n);
                }

                freeTotal += free.Wall;
                paidTotal += paid.Wall;
                ratios.Add(paid.Wall / free.Wall);
                cpuRatios.Add(paid.Cpu / free.Cpu);
            }

            ratios.Sort();
            cpuRatios.Sort();
            var median = ratios[ratios.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mcp paid/free: median {median:F2}x (min {ratios[0]:F2}, max {ratios[^1]:F2}) over {rounds} rounds x {n} calls; mean free {freeTotal / rounds / n * 1000:F0} us, paid {paidTotal / rounds / n * 1000:F0} us; process CPU time paid/free: median {cpuRatios[cpuRatios.Count / 2]:F2}x"));
            return 0;
        }
        finally
        {
            await bench.CleanupAsync();
        }
    }

    /// <summary>Wall time and this process's CPU time (client and server run in it) of n calls, in ms.</summary>
    private static async Task<(double Wall, double Cpu)> TimeAsync(Func<Task<int>> call, int n)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await call();
        }

        var wall = watch.Elapsed.TotalMilliseconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalMilliseconds);
    }
}
