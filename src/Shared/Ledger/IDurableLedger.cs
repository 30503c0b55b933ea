namespace Mpp.Client.Ledger.Sql;

/// <summary>A ledger whose store is opened at start (<see cref="LedgerStartup"/>), before the first payment.</summary>
internal interface IDurableLedger
{
    /// <summary>Opens the store (schema, expired leases, pending entries); a typed error when it cannot be used.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
