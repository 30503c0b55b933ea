namespace Mpp.Client.Tempo.Rpc;

/// <summary>The node's answer is not a well-formed JSON-RPC 2.0 response of the expected shape, or is too large.</summary>
internal sealed class TempoRpcMalformedResponseException : TempoRpcException
{
    public TempoRpcMalformedResponseException()
    {
    }

    public TempoRpcMalformedResponseException(string message)
        : base(message)
    {
    }

    public TempoRpcMalformedResponseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
