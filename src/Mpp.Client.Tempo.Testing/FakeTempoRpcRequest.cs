using System.Text.Json;

namespace Mpp.Client.Tempo.Testing;

/// <summary>One JSON-RPC call a <see cref="FakeTempoChain"/> received (a batch records one per call).</summary>
/// <param name="HttpRequest">The 1-based number of the HTTP request that carried the call (calls of one batch share it).</param>
/// <param name="Method">The JSON-RPC method, e.g. <c>eth_sendRawTransaction</c>.</param>
/// <param name="Params">The call's <c>params</c> array (an empty array when it had none).</param>
public sealed record FakeTempoRpcRequest(int HttpRequest, string Method, JsonElement Params);
