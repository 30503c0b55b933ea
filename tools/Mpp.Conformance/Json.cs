using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mpp.Conformance;

/// <summary>Reading operation inputs (<see cref="JsonElement"/>) and building outputs (<see cref="JsonNode"/>).</summary>
/// <remarks>Every rejection is an <see cref="AdapterException"/>, so it takes the operation's own error type.</remarks>
internal static class Json
{
    public static void RequireObject(JsonElement value, string what)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new AdapterException($"The {what} must be a JSON object.");
        }
    }

    public static JsonElement Required(JsonElement obj, string name)
    {
        RequireObject(obj, "input");
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw new AdapterException($"Missing '{name}'.");
        }

        return value;
    }

    public static string RequiredString(JsonElement obj, string name)
    {
        var value = Required(obj, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new AdapterException($"'{name}' must be a string.");
    }

    /// <summary>A string member, or <see langword="null"/> when it is absent or JSON null.</summary>
    public static string? OptionalString(JsonElement obj, string name)
    {
        RequireObject(obj, "input");
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new AdapterException($"'{name}' must be a string.");
    }

    public static JsonNode? ToNode(JsonElement value) => JsonNode.Parse(value.GetRawText());

    public static void AddIfPresent(JsonObject obj, string name, string? value)
    {
        if (value is not null)
        {
            obj[name] = value;
        }
    }
}
