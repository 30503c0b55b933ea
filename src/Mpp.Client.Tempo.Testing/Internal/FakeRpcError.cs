namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>Thrown inside the fake chain's handlers; answered as a JSON-RPC error object, never escapes the chain.</summary>
internal sealed class FakeRpcError : Exception
{
    public FakeRpcError()
    {
    }

    public FakeRpcError(string message)
        : base(message)
    {
    }

    public FakeRpcError(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FakeRpcError(int code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }
}
