namespace Mpp.Client.Ledger;

/// <summary>One cap the ledger enforces atomically: a unit, an amount, a rolling window (or lifetime) and a scope.</summary>
/// <param name="Name">What the cap is called in refusals and budget reports, e.g. <c>PerDay</c>.</param>
/// <param name="Unit">The budget unit, lowercase (e.g. <c>usd</c>).</param>
/// <param name="Cap">The most that may be spent, in <paramref name="Unit"/>.</param>
/// <param name="Window">The rolling window, or <see langword="null"/> for the ledger's lifetime.</param>
/// <param name="Host">The host the cap applies to, or <see langword="null"/> for all hosts together.</param>
public sealed record SpendingLimit(string Name, string Unit, decimal Cap, TimeSpan? Window, string? Host = null);
