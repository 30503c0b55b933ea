using BenchmarkDotNet.Attributes;
using Mpp.Client.Ledger;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// (d) InMemoryPaymentLedger: reserve + complete(Settled), single thread (target ≥ 1,000,000 ops/s, i.e. ≤ 1 µs/op),
/// and 8 threads contending on one cap. Times are per reserve+complete pair.
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    internal const int Threads = 8;
    internal const int AttemptsPerThread = 2_000;
    private const decimal Amount = 0.01m;
    private static readonly SpendingLimit[] Huge = [new("Budget.PerDay", "usd", decimal.MaxValue / 2, TimeSpan.FromDays(1))];

    // The contended cap: 16,000 attempts of 0.01 against 100.00, so 10,000 succeed and 6,000 are refused.
    private static readonly SpendingLimit[] Contended = [new("Budget.PerDay", "usd", 100m, TimeSpan.FromDays(1))];

    private InMemoryPaymentLedger _ledger = null!;
    private long _next;

    /// <summary>Ids as the spending policy makes them (a counter under a random prefix), not a syscall each.</summary>
    private Guid NextId() => new(0x4d505043, 0, 0, BitConverter.GetBytes(++_next));

    [GlobalSetup]
    public void Setup() => _ledger = new InMemoryPaymentLedger();

    [Benchmark(Baseline = true)]
    public async ValueTask SingleThreadReserveComplete()
    {
        var r = await _ledger.ReserveAsync(new LedgerCharge("usd", Amount, "api.example.com") { Id = NextId() }, Huge, default);
        await _ledger.CompleteAsync(r.Id, LedgerOutcome.Settled, null, null, default);
    }

    /// <summary>The floor every reservation pays for its id (a syscall for random bytes on Linux): measured beside it.</summary>
    [Benchmark]
    public Guid NewReservationId() => Guid.NewGuid();

    [Benchmark(OperationsPerInvoke = Threads * AttemptsPerThread)]
    public async Task<int> EightThreadsOneCap() => (await RunContendedAsync()).Succeeded;

    /// <summary>Runs the contended workload on a fresh ledger and throws on any lost or extra update.</summary>
    internal static async Task<(int Succeeded, decimal Spent)> RunContendedAsync()
    {
        var ledger = new InMemoryPaymentLedger();
        var succeeded = 0;
        long ids = 0;
        using var start = new ManualResetEventSlim();
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            threads[t] = new Thread(() =>
            {
                start.Wait();
                var mine = 0;
                for (var i = 0; i < AttemptsPerThread; i++)
                {
                    var r = ledger.ReserveAsync(new LedgerCharge("usd", Amount, "api.example.com") { Id = new Guid(0x4d505043, 0, 0, BitConverter.GetBytes(Interlocked.Increment(ref ids))) }, Contended, default).GetAwaiter().GetResult();
                    if (r.Succeeded)
                    {
                        ledger.CompleteAsync(r.Id, LedgerOutcome.Settled, null, null, default).GetAwaiter().GetResult();
                        mine++;
                    }
                }

                Interlocked.Add(ref succeeded, mine);
            }) { IsBackground = true };
            threads[t].Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        var spent = await ledger.GetSpentAsync("usd", null, null, default);
        if (spent != succeeded * Amount || spent != Contended[0].Cap || ledger.OpenReservations != 0)
        {
            throw new InvalidOperationException($"lost update: spent {spent}, successful reservations {succeeded} x {Amount}, open {ledger.OpenReservations}");
        }

        return (succeeded, spent);
    }
}
