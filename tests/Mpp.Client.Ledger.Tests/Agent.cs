using Mpp.Client.TestSupport;

namespace Mpp.Client.Ledger.Tests;

/// <summary>The ledger test agent (tests/Mpp.Client.Ledger.TestAgent) as a separate OS process.</summary>
internal static class Agent
{
    public static AgentProcess Start(params string[] args) =>
        AgentProcess.Start(Path.Combine(AppContext.BaseDirectory, "Mpp.Client.Ledger.TestAgent.dll"), args);
}
