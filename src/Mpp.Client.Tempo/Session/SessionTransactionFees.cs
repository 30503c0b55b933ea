using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// What the caller decides for a session management transaction (open or top-up) before it is signed: gas and fee caps
/// (from the node, as the charge path quotes them) and the expiring-nonce window. mppx 0.11.0 (through viem's Tempo
/// chain config) uses nonce key 2^256 − 1, nonce 0, validBefore = now + 25 s and a random past validAfter (which keeps
/// otherwise identical transactions, and so their expiringNonceHash, apart).
/// </summary>
/// <param name="Gas">The gas limit.</param>
/// <param name="MaxFeePerGas">The fee cap per gas.</param>
/// <param name="MaxPriorityFeePerGas">The priority fee cap per gas.</param>
/// <param name="ValidBefore">Unix seconds; the transaction is void from then on.</param>
/// <param name="ValidAfter">Unix seconds, or null for none.</param>
internal sealed record SessionTransactionFees(ulong Gas, BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas, ulong ValidBefore, ulong? ValidAfter);
