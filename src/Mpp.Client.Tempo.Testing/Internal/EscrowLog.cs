namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>An event log emitted while executing a transaction's calls: the emitting address, topics (0x-hex) and data.</summary>
internal sealed record EscrowLog(string Address, IReadOnlyList<string> Topics, byte[] Data);
