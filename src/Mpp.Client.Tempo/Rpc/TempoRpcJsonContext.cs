using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>Source-generated (trimming-safe) metadata for the JSON-RPC envelopes.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(JsonRpcResponse))]
[JsonSerializable(typeof(List<JsonRpcResponse>))]
internal sealed partial class TempoRpcJsonContext : JsonSerializerContext
{
}
