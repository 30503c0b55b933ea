using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// One DI container, one <see cref="IHttpClientFactory"/>, two named clients: "paying" (full AddMppPayments pipeline)
/// and "bare" (no payment handler). Both share the factory's primary handler type, so the difference is the pipeline.
/// </summary>
internal sealed class Clients : IAsyncDisposable
{
    private Clients(ServiceProvider provider, TestPaymentMethod method, ResettableLedger ledger)
    {
        Provider = provider;
        Method = method;
        Ledger = ledger;
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        Paying = factory.CreateClient("paying");
        Bare = factory.CreateClient("bare");
    }

    public ServiceProvider Provider { get; }

    public HttpClient Paying { get; }

    public HttpClient Bare { get; }

    public TestPaymentMethod Method { get; }

    /// <summary>The ledger the handler uses; <see cref="ResettableLedger.Reset"/> starts a fresh in-memory ledger.</summary>
    public ResettableLedger Ledger { get; }

    public static Clients Create(Action<MppOptions> configure)
    {
        var method = new TestPaymentMethod();
        var ledger = new ResettableLedger();
        var services = new ServiceCollection();
        services.AddMpp(configure).AddPaymentMethod(method);
        services.AddSingleton<IPaymentLedger>(ledger); // replaces the TryAdd'ed default
        services.AddHttpClient("paying").AddMppPayments();
        services.AddHttpClient("bare");
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new Clients(provider, method, ledger);
    }

    /// <summary>A huge budget: no cap applies to usd (AllowUncappedUnits).</summary>
    public static Clients Uncapped() => Create(o =>
    {
        o.AllowUncappedUnits = true;
        o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
    });

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}

/// <summary>Delegates to an <see cref="InMemoryPaymentLedger"/> that can be swapped for a fresh one between iterations.</summary>
internal sealed class ResettableLedger : IPaymentLedger
{
    private InMemoryPaymentLedger _inner = new();

    public InMemoryPaymentLedger Current => Volatile.Read(ref _inner);

    public void Reset() => Volatile.Write(ref _inner, new InMemoryPaymentLedger());

    public ValueTask<LedgerReservation> ReserveAsync(LedgerCharge charge, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        Current.ReserveAsync(charge, limits, cancellationToken);

    public ValueTask MarkSentAsync(Guid reservationId, string? walletReference, CancellationToken cancellationToken) =>
        Current.MarkSentAsync(reservationId, walletReference, cancellationToken);

    public ValueTask CompleteAsync(Guid reservationId, LedgerOutcome outcome, string? reference, decimal? finalAmount, CancellationToken cancellationToken) =>
        Current.CompleteAsync(reservationId, outcome, reference, finalAmount, cancellationToken);

    public ValueTask<LedgerReservation> AdjustAsync(Guid reservationId, decimal newAmount, IReadOnlyList<SpendingLimit> limits, CancellationToken cancellationToken) =>
        Current.AdjustAsync(reservationId, newAmount, limits, cancellationToken);

    public IAsyncEnumerable<LedgerEntry> ListAsync(LedgerQuery query, CancellationToken cancellationToken) => Current.ListAsync(query, cancellationToken);

    public ValueTask<LedgerUsage> GetUsageAsync(string unit, string? scope, TimeSpan? window, CancellationToken cancellationToken) =>
        Current.GetUsageAsync(unit, scope, window, cancellationToken);
}
