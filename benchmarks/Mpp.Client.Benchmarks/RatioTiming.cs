using System.Diagnostics;

namespace Mpp.Client.Benchmarks;

/// <summary>What the ratio drivers (<c>--paid-ratio</c>, <c>--session-ratio</c>, <c>--voucher-rate</c>) share: a timed batch and a median.</summary>
internal static class RatioTiming
{
    /// <summary>Runs <paramref name="op"/> <paramref name="count"/> times in a row; the mean wall time of one, in µs.</summary>
    public static async Task<double> TimeAsync(Func<Task> op, int count)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await op();
        }

        return sw.Elapsed.TotalMicroseconds / count;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
