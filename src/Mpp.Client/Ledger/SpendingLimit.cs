namespace Mpp.Client.Ledger;

/// <summary>One cap the ledger enforces atomically: a unit, an amount, a rolling window (or lifetime) and a scope.</summary>
/// <param name="Name">What the cap is called in refusals and budget reports, e.g. <c>PerDay</c>.</param>
/// <param name="Unit">The budget unit, lowercase (e.g. <c>usd</c>).</param>
/// <param name="Cap">The most that may be spent, in <paramref name="Unit"/>.</param>
/// <param name="Window">The rolling window, or <see langword="null"/> for the ledger's lifetime.</param>
/// <param name="Scope">
/// What the cap counts: <see langword="null"/> for every payment, a host name or <c>*.domain</c> pattern for payments to
/// those hosts, or <see cref="ClientScope"/> for the payments of one HTTP client.
/// </param>
public sealed record SpendingLimit(string Name, string Unit, decimal Cap, TimeSpan? Window, string? Scope = null)
{
    /// <summary>The scope of a client budget (<c>client:&lt;name&gt;</c>; never a valid host, so it cannot collide with one).</summary>
    public static string ClientScope(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        return "client:" + clientName;
    }
}
