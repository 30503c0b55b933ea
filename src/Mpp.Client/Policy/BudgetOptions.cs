namespace Mpp.Client.Policy;

/// <summary>
/// Spending caps, each a map from budget unit (<c>usd</c>, <c>eur</c>, <c>sat</c>, or a configured asset's unit) to a
/// decimal string in that unit, e.g. <c>{ "usd": "0.50" }</c>.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>The most one payment may cost.</summary>
    public Dictionary<string, string> PerRequest { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most that may be spent in any rolling hour.</summary>
    public Dictionary<string, string> PerHour { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most that may be spent in any rolling 24 hours.</summary>
    public Dictionary<string, string> PerDay { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most that may be spent in any rolling 7 days.</summary>
    public Dictionary<string, string> PerWeek { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most that may be spent in any rolling 30 days.</summary>
    public Dictionary<string, string> PerMonth { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most that may ever be spent (for the life of the ledger).</summary>
    public Dictionary<string, string> Lifetime { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Caps over custom rolling windows.</summary>
    public List<WindowCapOptions> Windows { get; set; } = [];

    /// <summary>
    /// What went wrong binding these options from configuration (unknown keys, values that cannot be converted), with the
    /// paths the user wrote; reported with the validation errors. Null when bound cleanly or configured in code.
    /// </summary>
    internal IReadOnlyList<string>? ConfigurationErrors { get; set; }
}
