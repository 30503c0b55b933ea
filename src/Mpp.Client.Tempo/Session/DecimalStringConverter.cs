using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Session;

/// <summary>Writes a <see cref="BigInteger"/> as a base-10 JSON string (the wire form of every session amount) and reads
/// one back (digits only).</summary>
internal sealed class DecimalStringConverter : JsonConverter<BigInteger>
{
    public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } text || !text.All(char.IsAsciiDigit))
        {
            throw new JsonException("An amount must be a base-10 integer string.");
        }

        return BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}
