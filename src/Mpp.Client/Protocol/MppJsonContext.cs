using System.Text.Json.Serialization;

namespace Mpp.Client.Protocol;

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class MppJsonContext : JsonSerializerContext
{
}
