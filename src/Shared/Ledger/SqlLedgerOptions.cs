namespace Mpp.Client.Ledger.Sql;

/// <summary>The settings both durable stores share.</summary>
internal sealed record SqlLedgerSettings(TimeSpan Lease, TimeSpan Retention);
