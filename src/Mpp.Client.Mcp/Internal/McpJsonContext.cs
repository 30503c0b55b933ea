using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mpp.Client.Mcp.Internal;

/// <summary>Source-generated JSON for this package (trimming and AOT safe).</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
