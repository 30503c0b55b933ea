using Mpp.Client.Ledger;

namespace Mpp.Client.Policy;

/// <summary>One HTTP client's own caps, compiled: they apply on top of the shared budget, in the client's ledger scope.</summary>
internal sealed class ClientBudget
{
    private ClientBudget(BudgetOptions source, PolicySnapshot snapshot, List<(string Name, string Unit, decimal Cap)> perRequest, List<SpendingLimit> limits)
    {
        Source = source;
        Snapshot = snapshot;
        PerRequest = perRequest;
        Limits = limits;
    }

    public BudgetOptions Source { get; }

    /// <summary>The shared options it was compiled against (their assets define the known units).</summary>
    public PolicySnapshot Snapshot { get; }

    public List<(string Name, string Unit, decimal Cap)> PerRequest { get; }

    public List<SpendingLimit> Limits { get; }

    public static ClientBudget Compile(string clientName, BudgetOptions source, PolicySnapshot snapshot) =>
        Compile(clientName, source, snapshot, []);

    public static ClientBudget Compile(string clientName, BudgetOptions source, PolicySnapshot snapshot, List<string> errors)
    {
        var (perRequest, limits) = PolicySnapshot.CompileBudget(source, $"Clients[{clientName}]", SpendingLimit.ClientScope(clientName), snapshot.Assets, errors);
        return new ClientBudget(source, snapshot, perRequest, limits);
    }

    public bool HasCap(string unit, bool includePerRequest = true)
    {
        foreach (var c in PerRequest)
        {
            if (includePerRequest && c.Unit == unit)
            {
                return true;
            }
        }

        foreach (var l in Limits)
        {
            if (l.Unit == unit)
            {
                return true;
            }
        }

        return false;
    }
}
