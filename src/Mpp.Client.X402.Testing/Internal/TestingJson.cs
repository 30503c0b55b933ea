using System.Text.Json.Serialization;

namespace Mpp.Client.X402.Testing.Internal;

/// <summary>The source-generated serializer of the few plain values the server writes.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class TestingJson : JsonSerializerContext;
