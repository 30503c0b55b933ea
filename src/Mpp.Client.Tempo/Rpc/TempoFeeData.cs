using System.Numerics;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>
/// EIP-1559 fee data as viem fills it for a Tempo transaction (viem <c>actions/public/estimateFeesPerGas.js</c>, with
/// no <c>fees</c> override in the Tempo chain definitions): <c>maxPriorityFeePerGas</c> from
/// <c>eth_maxPriorityFeePerGas</c>, <c>maxFeePerGas = baseFeePerGas × 1.2 + maxPriorityFeePerGas</c> with the base fee
/// of the latest block.
/// </summary>
internal sealed record TempoFeeData(BigInteger BaseFeePerGas, BigInteger MaxPriorityFeePerGas)
{
    /// <summary>viem's default <c>baseFeeMultiplier</c> (1.2), as a fraction.</summary>
    private const int MultiplierNumerator = 12;

    private const int MultiplierDenominator = 10;

    public BigInteger MaxFeePerGas => (BaseFeePerGas * MultiplierNumerator / MultiplierDenominator) + MaxPriorityFeePerGas;
}
