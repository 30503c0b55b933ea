using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Session;

/// <summary>Source-generated JSON metadata for session payloads and the descriptor.</summary>
[JsonSourceGenerationOptions(Converters = [typeof(DecimalStringConverter)], PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionOpenPayload))]
[JsonSerializable(typeof(SessionTopUpPayload))]
[JsonSerializable(typeof(SessionVoucherPayload))]
[JsonSerializable(typeof(SessionClosePayload))]
[JsonSerializable(typeof(ChannelDescriptor))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
