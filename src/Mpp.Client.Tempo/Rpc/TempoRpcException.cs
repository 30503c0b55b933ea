namespace Mpp.Client.Tempo.Rpc;

/// <summary>
/// A Tempo JSON-RPC call failed. The message names the method and what went wrong; it never carries a raw transaction,
/// a key or an unbounded piece of the server's answer.
/// </summary>
internal class TempoRpcException : Exception
{
    public TempoRpcException()
    {
    }

    public TempoRpcException(string message)
        : base(message)
    {
    }

    public TempoRpcException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The JSON-RPC method that failed, e.g. <c>eth_sendRawTransaction</c>.</summary>
    public string? Method { get; init; }
}
