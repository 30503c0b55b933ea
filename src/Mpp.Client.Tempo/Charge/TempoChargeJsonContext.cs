using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Charge;

/// <summary>Source-generated JSON metadata for the credential's <c>source</c> string.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class TempoChargeJsonContext : JsonSerializerContext;
