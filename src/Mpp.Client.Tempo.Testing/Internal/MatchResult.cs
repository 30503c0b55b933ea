namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>What <see cref="ExpectedTransfer.Match"/> paired, and what it left over on either side.</summary>
internal sealed class MatchResult
{
    public List<(ExpectedTransfer Expected, Tip20Transfer Actual)> Matched { get; } = [];

    public List<ExpectedTransfer> Missing { get; } = [];

    public List<Tip20Transfer> Extra { get; } = [];
}
