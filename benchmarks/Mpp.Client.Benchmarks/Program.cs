using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Mpp.Client.Benchmarks;

// dotnet run -c Release --project benchmarks/Mpp.Client.Benchmarks -- [--short | --mppx-compare ... | BenchmarkDotNet args]
//   (no args)        full mode: every benchmark, BenchmarkDotNet's default job (out of process)
//   --short          every benchmark in process, 2 warm-up + 5 measured iterations (under 3 minutes on 2 cores)
//   --mppx-compare   --url http://127.0.0.1:PORT [--n 200] [--concurrency 1] [--warmup 20]: the .NET side of compare-mppx.sh
//   anything else    passed to BenchmarkSwitcher (e.g. --filter '*Codec*' --job short)
if (args.Contains("--mppx-compare"))
{
    return await MppxCompareDriver.RunAsync(args);
}

Type[] all =
[
    typeof(FreeRequestBenchmarks),
    typeof(PaidChargeBenchmarks),
    typeof(CodecBenchmarks),
    typeof(LedgerBenchmarks),
    typeof(ConcurrentDrainBenchmarks),
];

if (args.Contains("--short"))
{
    var job = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(5)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
        .WithId("Short");
    var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary);
    var rest = args.Where(a => a != "--short").ToArray();
    if (rest.Length > 0)
    {
        BenchmarkSwitcher.FromTypes(all).Run(rest, config);
    }
    else
    {
        BenchmarkRunner.Run(all, config);
    }

    return 0;
}

if (args.Length == 0)
{
    BenchmarkRunner.Run(all, DefaultConfig.Instance.WithOptions(ConfigOptions.JoinSummary));
    return 0;
}

BenchmarkSwitcher.FromTypes(all).Run(args);
return 0;
