namespace Mpp.Client.Tempo.Rpc;

/// <summary>The node answered with a JSON-RPC error object (e.g. a rejected transaction).</summary>
internal sealed class TempoRpcErrorException : TempoRpcException
{
    public TempoRpcErrorException()
    {
    }

    public TempoRpcErrorException(string message)
        : base(message)
    {
    }

    public TempoRpcErrorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The JSON-RPC error code (e.g. -32000, -32602).</summary>
    public int Code { get; init; }

    /// <summary>The node's error message, truncated and with long hex runs (transactions, call data) redacted.</summary>
    public string? RpcMessage { get; init; }
}
