using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// Opens the durable ledger when the host starts, so a store that cannot be used fails the start (not the first payment),
/// then offers the entries left sent without an outcome to the registered <see cref="IPaymentReconciler"/>s.
/// </summary>
internal sealed class LedgerStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IPaymentLedger>() is not IDurableLedger ledger)
        {
            return; // another store was chosen (Mpp:Ledger:Provider)
        }

        await ledger.InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await services.GetRequiredService<PaymentReconciliation>().ReconcileAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LedgerLog.ReconcileFailed(services.GetService<ILogger<LedgerStartup>>() ?? (ILogger)NullLogger.Instance, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
