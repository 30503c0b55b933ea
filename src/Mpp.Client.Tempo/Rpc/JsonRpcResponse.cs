using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>A JSON-RPC 2.0 response envelope. <see cref="Result"/> is <see cref="JsonValueKind.Undefined"/> when absent.</summary>
internal sealed class JsonRpcResponse
{
    [JsonPropertyName("jsonrpc")]
    public string? JsonRpc { get; set; }

    [JsonPropertyName("id")]
    public JsonElement Id { get; set; }

    [JsonPropertyName("result")]
    public JsonElement Result { get; set; }

    [JsonPropertyName("error")]
    public JsonRpcError? Error { get; set; }
}
