using System.Text.Json;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>One JSON-RPC call the fake chain received (a batch records one per call).</summary>
internal sealed record FakeRpcRequest(int HttpRequest, string Method, JsonElement Params);
