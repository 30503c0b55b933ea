using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Mpp.Client.Benchmarks;

namespace Mpp.Client.Tests.Benchmarks;

/// <summary>The benchmark project builds with the solution and a benchmark runs in BenchmarkDotNet's dry mode (no timing asserted).</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public void The_free_pipeline_benchmark_runs_in_dry_mode()
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "mpp-bdn-smoke"));

        var summary = BenchmarkRunner.Run<FreePipelineBenchmarks>(config);

        Assert.False(summary.HasCriticalValidationErrors);
        Assert.Equal(2, summary.Reports.Length);
        Assert.All(summary.Reports, r => Assert.True(r.Success, r.BenchmarkCase.DisplayInfo));
    }
}
