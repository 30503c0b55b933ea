using System.Text.Json.Serialization;

namespace Mpp.Client.Testing.Internal;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class TestingJsonContext : JsonSerializerContext
{
}
