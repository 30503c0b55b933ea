namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>Thrown inside the fake chain's handlers; answered as a JSON-RPC error object.</summary>
internal sealed class FakeRpcError(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
