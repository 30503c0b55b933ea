namespace Mpp.Client.Policy;

/// <summary>One configured cap and how much of it is used.</summary>
/// <param name="Name">The cap's name, e.g. <c>PerDay</c> or <c>Hosts[api.example.com].Lifetime</c>.</param>
/// <param name="Unit">The budget unit.</param>
/// <param name="Cap">The cap.</param>
/// <param name="Spent">Everything counted against it now: reserved, sent, unknown (see <see cref="Locked"/>) and settled.</param>
/// <param name="Window">The rolling window, or null for the lifetime.</param>
/// <param name="Scope">What it counts: null for every payment, a host (pattern), or a client scope (<see cref="Ledger.SpendingLimit.ClientScope"/>).</param>
public sealed record BudgetStatus(string Name, string Unit, decimal Cap, decimal Spent, TimeSpan? Window, string? Scope)
{
    /// <summary>What may still be spent under this cap.</summary>
    public decimal Remaining => Math.Max(0, Cap - Spent);

    /// <summary>The part of <see cref="Spent"/> not settled yet: reserved, sent, or with an unknown outcome.</summary>
    public decimal Locked { get; init; }

    /// <summary>The settled part of <see cref="Spent"/>.</summary>
    public decimal Settled => Spent - Locked;
}
