namespace Mpp.Client.Ledger;

/// <summary>What a scope has used of a unit over a window: locked (reserved, sent or unknown) and spent (settled).</summary>
/// <param name="Locked">Counted but not settled: reserved, sent, or with an unknown outcome.</param>
/// <param name="Spent">Settled.</param>
public readonly record struct LedgerUsage(decimal Locked, decimal Spent)
{
    /// <summary>Everything counted against a cap: <see cref="Locked"/> + <see cref="Spent"/>.</summary>
    public decimal Total => Locked + Spent;
}
