using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>What closing a channel settled: what the server took, what it refunded, and the settlement transaction.</summary>
/// <param name="Channel">The channel as stored after the close.</param>
/// <param name="Spent">What the server took, in base units of the channel's token.</param>
/// <param name="Refunded">What went back to the payer (deposit − spent), in base units.</param>
/// <param name="TransactionHash">The close transaction's hash from the server's receipt, when it gave one.</param>
public sealed record TempoSessionCloseResult(TempoChannel Channel, BigInteger Spent, BigInteger Refunded, string? TransactionHash);
