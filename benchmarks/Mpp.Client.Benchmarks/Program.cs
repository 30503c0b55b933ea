using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Mpp.Client.Benchmarks;

// dotnet run -c Release --project benchmarks/Mpp.Client.Benchmarks -- [--short | --mppx-compare ... | BenchmarkDotNet args]
//   (no args)        full mode: every benchmark, BenchmarkDotNet's default job (out of process)
//   --short          every benchmark in process, 3 warm-up + 7 measured 400 ms iterations (under 3 minutes on 2 cores)
//   --mcp-floor      [rounds] [n]: the MCP paid/free floor on this SDK (paid-shaped messages, no payment work)
//   --voucher-rate   [rounds] [seconds]: session vouchers signed per second on one thread, beside bare native signs
//   --mppx-compare   --url http://127.0.0.1:PORT [--n 200] [--concurrency 1] [--warmup 20]: the .NET side of compare-mppx.sh
//   anything else    passed to BenchmarkSwitcher (e.g. --filter '*Codec*' --job short)
if (args.Contains("--serve"))
{
    return await PaidRatioDriver.ServeAsync();
}

if (args.Contains("--paid-ratio"))
{
    return await PaidRatioDriver.RunAsync(args);
}

if (args.Contains("--mcp-floor"))
{
    return await McpFloorDriver.RunAsync(args);
}

if (args.Contains("--mcp-serve"))
{
    return await McpRatioDriver.ServeAsync();
}

if (args.Contains("--mcp-profile"))
{
    return await McpRatioDriver.ProfileAsync(args);
}

if (args.Contains("--voucher-rate"))
{
    return await VoucherRateDriver.RunAsync(args);
}

if (args.Contains("--session-ratio") || args.Contains("--session-profile") || args.Contains("--session-split") || args.Contains("--session-parts"))
{
    return await SessionRatioDriver.RunAsync(args);
}

if (args.Contains("--mcp-ratio"))
{
    return await McpRatioDriver.RunAsync(args);
}

if (args.Contains("--mppx-compare"))
{
    return await MppxCompareDriver.RunAsync(args);
}

Type[] all =
[
    typeof(FreeRequestBenchmarks),
    typeof(FreePipelineBenchmarks),
    typeof(PaidChargeBenchmarks),
    typeof(CodecBenchmarks),
    typeof(LedgerBenchmarks),
    typeof(ConcurrentDrainBenchmarks),
];

// Selectable with --filter, not in the default run: where one challenge's parse time goes; the durable ledgers (they start
// a PostgreSQL cluster); Tempo and x402 credential creation; MCP tool calls; BOLT11 decoding.
Type[] selectable = [.. all, typeof(McpToolCallBenchmarks), typeof(CodecBreakdownBenchmarks), typeof(DurableLedgerBenchmarks), typeof(TempoCredentialBenchmarks), typeof(X402CredentialBenchmarks), typeof(Bolt11DecodeBenchmarks), typeof(SessionVoucherBenchmarks)];

if (args.Contains("--short"))
{
    var job = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(7)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(400))
        .WithId("Short");
    var config = DefaultConfig.Instance.AddJob(job);
    var rest = args.Where(a => a != "--short").ToArray();
    if (rest.Length > 0)
    {
        BenchmarkSwitcher.FromTypes(selectable).Run(rest, config);
    }
    else
    {
        BenchmarkRunner.Run(all, config);
    }

    return 0;
}

if (args.Length == 0)
{
    BenchmarkRunner.Run(all);
    return 0;
}

BenchmarkSwitcher.FromTypes(selectable).Run(args);
return 0;
