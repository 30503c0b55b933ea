using System.Diagnostics;
using System.Globalization;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--mcp-ratio [rounds] [n] [--split] [--bare] [--warmup calls]</c>: the paid/free MCP tool call ratio measured interleaved, as
/// <see cref="PaidRatioDriver"/> does for HTTP. Each round times n free tool calls and n paid tool calls (order alternating
/// between rounds) through the same paying client to the same <see cref="Mcp.Testing.McpTestServer"/>
/// (<see cref="McpToolCallBenchmarks"/>' setup); the report is the median of the per-round ratios, so machine drift hits
/// both sides alike, and the same for CPU time, which other work on the machine disturbs less than wall time.
/// Without <c>--split</c> client and server share this process and the CPU time is theirs together; with it the server runs
/// in a child process (<c>--mcp-serve</c>) and each side's CPU time is reported on its own. <c>--bare</c> adds the free call through a
/// plain SDK client (no payment transport) to each round: what the SDK's round trip costs without anything of ours.
/// </summary>
internal static class McpRatioDriver
{
    /// <summary><c>--mcp-serve</c>: the benchmark's MCP server alone; prints <c>LISTENING &lt;endpoint&gt;</c> and runs until stdin closes.</summary>
    public static async Task<int> ServeAsync()
    {
        await using var server = await McpToolCallBenchmarks.StartServerAsync();
        Console.WriteLine($"LISTENING {server.Endpoint}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>
    /// <c>--mcp-profile free|paid [seconds] [--split]</c>: only one kind of call, in a loop, for a profiler to attach to
    /// (e.g. <c>perf record -g</c> with <c>DOTNET_PerfMapEnabled=1</c>): what one kind costs, without the other mixed in.
    /// </summary>
    public static async Task<int> ProfileAsync(string[] args)
    {
        var rest = args.SkipWhile(a => a != "--mcp-profile").Skip(1).ToArray();
        var paid = rest.FirstOrDefault() == "paid";
        var seconds = rest.Length > 1 && int.TryParse(rest[1], out var s) ? s : 20;
        using var child = args.Contains("--split") ? StartServerProcess() : null;
        var bench = new McpToolCallBenchmarks { ExternalEndpoint = child is null ? null : await ReadEndpointAsync(child) };
        await bench.SetupAsync();
        try
        {
            Func<Task<int>> call = paid ? bench.PaidToolCall : bench.FreeToolCall;
            var watch = Stopwatch.StartNew();
            var calls = 0;
            var next = 10;
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                await call();
                calls++;
                if (watch.Elapsed.TotalSeconds >= next)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {calls} calls at {next} s"));
                    next += 10;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(paid ? "paid" : "free")} calls: {calls} in {watch.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }
        finally
        {
            await bench.CleanupAsync();
            if (child is not null)
            {
                child.StandardInput.Close();
                await child.WaitForExitAsync();
            }
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--mcp-ratio").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.TryParse(a, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? numbers[0] : 15;
        var n = numbers.Length > 1 ? numbers[1] : 200;
        var withBare = args.Contains("--bare");
        using var child = args.Contains("--split") ? StartServerProcess() : null;
        var bench = new McpToolCallBenchmarks { ExternalEndpoint = child is null ? null : await ReadEndpointAsync(child) };
        await bench.SetupAsync();
        try
        {
            // A long warm-up: with 200 calls, a loaded machine's background JIT had not yet moved the paid path (many more
            // methods than the free one) out of tier-0 and instrumented code, which inflated the paid side.
            var warmup = args.SkipWhile(a => a != "--warmup").Skip(1).Select(a => int.TryParse(a, out var w) ? w : 0).FirstOrDefault(1000);
            for (var i = 0; i < warmup; i++)
            {
                await bench.FreeToolCall();
                await bench.PaidToolCall();
                if (withBare)
                {
                    await bench.BareFreeToolCall();
                }
            }

            var free = new List<Sample>();
            var paid = new List<Sample>();
            var bare = new List<Sample>();
            for (var r = 0; r < rounds; r++)
            {
                if (r % 2 == 0)
                {
                    free.Add(await TimeAsync(bench.FreeToolCall, n, child));
                    paid.Add(await TimeAsync(bench.PaidToolCall, n, child));
                }
                else
                {
                    paid.Add(await TimeAsync(bench.PaidToolCall, n, child));
                    free.Add(await TimeAsync(bench.FreeToolCall, n, child));
                }

                if (withBare)
                {
                    bare.Add(await TimeAsync(bench.BareFreeToolCall, n, child));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mcp paid/free: median {MedianRatio(paid, free, s => s.Wall):F2}x (min {Ratios(paid, free, s => s.Wall).Min():F2}, max {Ratios(paid, free, s => s.Wall).Max():F2}) over {rounds} rounds x {n} calls; mean free {free.Average(s => s.Wall) / n * 1000:F0} us, paid {paid.Average(s => s.Wall) / n * 1000:F0} us"));
            if (child is null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  process CPU time (client and server) paid/free: median {MedianRatio(paid, free, s => s.Cpu):F2}x; per call free {free.Average(s => s.Cpu) / n * 1000:F0} us, paid {paid.Average(s => s.Cpu) / n * 1000:F0} us; allocated per call (client and server) free {free.Average(s => s.Allocated) / n / 1024:F1} KB, paid {paid.Average(s => s.Allocated) / n / 1024:F1} KB; thread-pool work items per call free {free.Average(s => s.WorkItems) / (double)n:F1}, paid {paid.Average(s => s.WorkItems) / (double)n:F1}"));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  client CPU paid/free: median {MedianRatio(paid, free, s => s.Cpu):F2}x (free {free.Average(s => s.Cpu) / n * 1000:F0} us, paid {paid.Average(s => s.Cpu) / n * 1000:F0} us per call); server CPU paid/free: median {MedianRatio(paid, free, s => s.ServerCpu):F2}x (free {free.Average(s => s.ServerCpu) / n * 1000:F0} us, paid {paid.Average(s => s.ServerCpu) / n * 1000:F0} us); both: median {MedianRatio(paid, free, s => s.Cpu + s.ServerCpu):F2}x; client allocated per call free {free.Average(s => s.Allocated) / n / 1024:F1} KB, paid {paid.Average(s => s.Allocated) / n / 1024:F1} KB; client thread-pool work items per call free {free.Average(s => s.WorkItems) / (double)n:F1}, paid {paid.Average(s => s.WorkItems) / (double)n:F1}"));
            }

            if (withBare)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  bare SDK free call: mean {bare.Average(s => s.Wall) / n * 1000:F0} us, CPU {bare.Average(s => s.Cpu) / n * 1000:F0} us client + {bare.Average(s => s.ServerCpu) / n * 1000:F0} us server; paying/bare free call median {MedianRatio(free, bare, s => s.Wall):F2}x, CPU {MedianRatio(free, bare, s => s.Cpu + s.ServerCpu):F2}x"));
            }

            return 0;
        }
        finally
        {
            await bench.CleanupAsync();
            if (child is not null)
            {
                child.StandardInput.Close();
                await child.WaitForExitAsync();
            }
        }
    }

    private readonly record struct Sample(double Wall, double Cpu, double ServerCpu, long Allocated, long WorkItems);

    private static IEnumerable<double> Ratios(List<Sample> a, List<Sample> b, Func<Sample, double> f) => a.Zip(b, (x, y) => f(x) / f(y));

    private static double MedianRatio(List<Sample> a, List<Sample> b, Func<Sample, double> f)
    {
        var sorted = Ratios(a, b, f).Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static Process StartServerProcess()
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(McpRatioDriver).Assembly.Location);
        }

        info.ArgumentList.Add("--mcp-serve");
        return Process.Start(info)!;
    }

    private static async Task<Uri> ReadEndpointAsync(Process child)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                return new Uri(line["LISTENING ".Length..]);
            }
        }

        throw new InvalidOperationException("the --mcp-serve process exited without an endpoint");
    }

    /// <summary>Wall time, this process's CPU time and the server process's (when there is one) of n calls, in ms.</summary>
    private static async Task<Sample> TimeAsync(Func<Task<int>> call, int n, Process? server)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        server?.Refresh();
        var serverCpu = server?.TotalProcessorTime ?? TimeSpan.Zero;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var workItems = ThreadPool.CompletedWorkItemCount;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await call();
        }

        var wall = watch.Elapsed.TotalMilliseconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        process.Refresh();
        server?.Refresh();
        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        return new Sample(wall, (process.TotalProcessorTime - cpu).TotalMilliseconds, ((server?.TotalProcessorTime ?? TimeSpan.Zero) - serverCpu).TotalMilliseconds, allocated, workItems);
    }
}
