using Microsoft.Extensions.Logging;

namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// The durable ledgers' log messages (event ids 300–399). Values are allow-listed: ids, amounts, units, hosts, methods,
/// wallet references, exception type names. A connection string, a password or a credential is never a parameter.
/// </summary>
internal static partial class LedgerLog
{
    [LoggerMessage(300, LogLevel.Warning, "Ledger entry {EntryId} was left {State} without an outcome: {Amount} {Unit} to {Host} ({Method}, wallet reference {WalletReference}); it stays counted until resolved")]
    public static partial void PendingAtStart(ILogger logger, Guid entryId, LedgerEntryState state, decimal amount, string unit, string host, string? method, string? walletReference);

    [LoggerMessage(301, LogLevel.Warning, "{Count} ledger entries in the {Store} were left sent without an outcome; list them with PaymentReconciliation.ListPendingAsync and resolve them with ResolveAsync")]
    public static partial void PendingSummary(ILogger logger, int count, string store);

    [LoggerMessage(302, LogLevel.Information, "Ledger reservation {EntryId} was never sent and its lease ({Lease}) ran out: released")]
    public static partial void LeaseExpired(ILogger logger, Guid entryId, TimeSpan lease);

    [LoggerMessage(303, LogLevel.Information, "Ledger schema of the {Store} migrated from version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string store, int from, int to);

    [LoggerMessage(304, LogLevel.Debug, "Ledger compacted: {Buckets} window buckets and {Entries} final entries removed")]
    public static partial void Compacted(ILogger logger, int buckets, int entries);

    [LoggerMessage(305, LogLevel.Error, "The {Store} failed ({ExceptionType}); nothing is paid without a reservation")]
    public static partial void StoreFailed(ILogger logger, string store, string exceptionType);

    [LoggerMessage(306, LogLevel.Warning, "Reconciling ledger entries at start failed ({ExceptionType})")]
    public static partial void ReconcileFailed(ILogger logger, string exceptionType);
}
