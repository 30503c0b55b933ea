namespace Mpp.Client.Ledger;

/// <summary>An amount to reserve: how much, in which unit, for which host.</summary>
/// <param name="Unit">The budget unit, lowercase.</param>
/// <param name="Amount">The amount in <paramref name="Unit"/> (non-negative).</param>
/// <param name="Host">The host being paid, lowercase.</param>
/// <param name="Description">A short human description (method/intent, origin) kept with the entry; never a secret.</param>
public sealed record LedgerCharge(string Unit, decimal Amount, string Host, string? Description = null);
