namespace Mpp.Client.Tempo;

/// <summary>
/// A Tempo node could not answer a question the wallet asked outside a payment (a balance): unreachable, an RPC error, a
/// malformed answer, or another chain than configured. The message names the chain, never the node URL (node URLs often
/// carry API keys).
/// </summary>
public sealed class TempoNodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TempoNodeException(ulong chainId, string message, Exception? innerException = null)
        : base(message, innerException) => ChainId = chainId;

    /// <summary>The chain whose node failed.</summary>
    public ulong ChainId { get; }
}
