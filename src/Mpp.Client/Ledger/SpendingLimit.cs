using System.Globalization;
namespace Mpp.Client.Ledger;

/// <summary>One cap the ledger enforces atomically: a unit, an amount, a rolling window (or lifetime) and a scope.</summary>
public sealed class SpendingLimit
{
    /// <summary>Creates a limit.</summary>
    /// <param name="name">What the cap is called in refusals and budget reports, e.g. <c>PerDay</c>.</param>
    /// <param name="unit">The budget unit, lowercase (e.g. <c>usd</c>).</param>
    /// <param name="cap">The most that may be spent, in <paramref name="unit"/>.</param>
    /// <param name="window">The rolling window, or <see langword="null"/> for the ledger's lifetime.</param>
    /// <param name="scope">
    /// What the cap counts: <see langword="null"/> for every payment, a host name or <c>*.domain</c> pattern for payments
    /// to those hosts, or <see cref="ClientScope"/> for the payments of one HTTP client.
    /// </param>
    public SpendingLimit(string name, string unit, decimal cap, TimeSpan? window, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(unit);
        Name = name;
        Unit = unit;
        Cap = cap;
        Window = window;
        Scope = scope;
    }

    /// <summary>What the cap is called, e.g. <c>PerDay</c>.</summary>
    public string Name { get; }

    /// <summary>The budget unit.</summary>
    public string Unit { get; }

    /// <summary>The most that may be spent.</summary>
    public decimal Cap { get; }

    /// <summary>The rolling window, or <see langword="null"/> for the lifetime.</summary>
    public TimeSpan? Window { get; }

    /// <summary>What the cap counts (null: every payment; a host or pattern; a client scope).</summary>
    public string? Scope { get; }

    /// <summary>The scope of a client budget (<c>client:&lt;name&gt;</c>; never a valid host, so it cannot collide with one).</summary>
    public static string ClientScope(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        return "client:" + clientName;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Cap} {Unit}");
}
