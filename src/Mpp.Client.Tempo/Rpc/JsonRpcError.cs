using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>A JSON-RPC 2.0 error object.</summary>
internal sealed class JsonRpcError
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
