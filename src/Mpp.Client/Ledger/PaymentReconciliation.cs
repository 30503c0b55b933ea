using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Diagnostics;

namespace Mpp.Client.Ledger;

/// <summary>
/// Resolves ledger entries left sent or unknown (after a lost response, or a restart with a durable ledger): each is
/// offered to the <see cref="IPaymentReconciler"/> of its method, and settled or released when the reconciler knows.
/// </summary>
public sealed class PaymentReconciliation
{
    private readonly IPaymentLedger _ledger;
    private readonly Dictionary<string, IPaymentReconciler> _reconcilers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public PaymentReconciliation(IPaymentLedger ledger, IEnumerable<IPaymentReconciler> reconcilers, TimeProvider? timeProvider = null, ILogger<PaymentReconciliation>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(reconcilers);
        _ledger = ledger;
        foreach (var r in reconcilers)
        {
            _reconcilers.TryAdd(r.Method, r);
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Entries not yet final: reserved, sent or unknown.</summary>
    public async ValueTask<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in _ledger.ListAsync(LedgerQuery.Pending, cancellationToken).ConfigureAwait(false))
        {
            list.Add(e);
        }

        return list;
    }

    /// <summary>Resolves one entry by hand (after checking it elsewhere): settled or released.</summary>
    /// <exception cref="ArgumentException"><paramref name="outcome"/> is <see cref="LedgerOutcome.Unknown"/>.</exception>
    public ValueTask ResolveAsync(Guid entryId, LedgerOutcome outcome, string? reference = null, CancellationToken cancellationToken = default)
    {
        if (outcome == LedgerOutcome.Unknown)
        {
            throw new ArgumentException("Resolve an entry as Settled or Released.", nameof(outcome));
        }

        Log.EntryResolved(_logger, entryId, outcome, "by hand");
        return _ledger.CompleteAsync(entryId, outcome, reference, null, cancellationToken);
    }

    /// <summary>
    /// Offers every sent or unknown entry last changed at least <paramref name="olderThan"/> ago (so payments still in
    /// flight are left alone) to its method's reconciler, and settles or releases what the reconciler knows.
    /// </summary>
    /// <returns>The entries resolved, in their new state.</returns>
    public async ValueTask<IReadOnlyList<LedgerEntry>> ReconcileAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var cutoff = _time.GetUtcNow() - olderThan;
        var resolved = new List<LedgerEntry>();
        foreach (var entry in await ListPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entry.State == LedgerEntryState.Reserved || (entry.UpdatedAt ?? entry.CreatedAt) > cutoff
                || entry.Charge.Method is not { } method || !_reconcilers.TryGetValue(method, out var reconciler))
            {
                continue;
            }

            LedgerOutcome? outcome;
            try
            {
                outcome = await reconciler.LookupAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ReconcilerFailed(_logger, reconciler.GetType().Name, entry.Id, ex.GetType().Name);
                continue;
            }

            if (outcome is LedgerOutcome.Settled or LedgerOutcome.Released)
            {
                await _ledger.CompleteAsync(entry.Id, outcome.Value, null, null, cancellationToken).ConfigureAwait(false);
                Log.EntryResolved(_logger, entry.Id, outcome.Value, reconciler.GetType().Name);
                resolved.Add(new LedgerEntry(entry.Charge, outcome == LedgerOutcome.Settled ? LedgerEntryState.Settled : LedgerEntryState.Released,
                    outcome == LedgerOutcome.Settled ? entry.Amount : 0, entry.CreatedAt) { UpdatedAt = _time.GetUtcNow(), WalletReference = entry.WalletReference });
            }
        }

        return resolved;
    }
}
