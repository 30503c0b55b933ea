namespace Mpp.Client.Tempo.Rpc;

/// <summary>What <c>eth_getTransactionReceipt</c> returned, reduced to what a payer checks.</summary>
internal sealed class TempoTransactionReceipt
{
    /// <summary>Lower-case 0x-prefixed 32-byte hex.</summary>
    public required string TransactionHash { get; init; }

    public required ulong BlockNumber { get; init; }

    /// <summary>status 0x1.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The sender, lower-case hex.</summary>
    public required string From { get; init; }

    public required IReadOnlyList<TempoLog> Logs { get; init; }

    /// <summary>gasUsed, when the node reports it.</summary>
    public ulong? GasUsed { get; init; }

    /// <summary>effectiveGasPrice (attodollars per gas on Tempo), when the node reports it.</summary>
    public System.Numerics.BigInteger? EffectiveGasPrice { get; init; }

    public override string ToString() =>
        $"TempoTransactionReceipt {{ TransactionHash = {TransactionHash}, BlockNumber = {BlockNumber}, Succeeded = {Succeeded}, Logs = {Logs.Count} }}";
}
