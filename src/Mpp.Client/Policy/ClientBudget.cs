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

    /// <summary>Compiles a client's caps against the shared options' assets, listing every problem in <paramref name="errors"/>.</summary>
    /// <param name="clientName">The HTTP client's name.</param>
    /// <param name="source">Its caps.</param>
    /// <param name="snapshot">The shared options in force.</param>
    /// <param name="path">The configuration path the caps were bound from (<c>Agents:Writer</c>), which errors name.</param>
    /// <param name="errors">Where problems are added, binding ones first.</param>
    public static ClientBudget Compile(string clientName, BudgetOptions source, PolicySnapshot snapshot, string path, List<string> errors)
    {
        if (source.ConfigurationErrors is { } bindingErrors)
        {
            errors.AddRange(bindingErrors);
        }

        var (perRequest, limits) = PolicySnapshot.CompileBudget(source, $"Clients[{clientName}]", path, SpendingLimit.ClientScope(clientName), snapshot.Assets, errors);
        return new ClientBudget(source, snapshot, perRequest, limits);
    }

    /// <summary>The path that names a client budget configured in code (<c>BudgetOptions[writer]</c>).</summary>
    public static string CodePath(string clientName) => $"BudgetOptions[{clientName}]";

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
