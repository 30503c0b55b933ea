using System.Numerics;

namespace Mpp.Client.Tempo.Charge;

/// <summary>One payee of a charge: the address (lower case), the amount in base units and the memo it must carry, if
/// the request names one (mppx 0.11.0 <c>src/tempo/internal/charge.ts</c> <c>getTransfers</c>).</summary>
internal sealed record TempoTransfer(string Recipient, BigInteger Amount, byte[]? Memo);
