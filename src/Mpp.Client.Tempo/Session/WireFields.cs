using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Strict readers for session wire objects. Each failure is an <see cref="MppException"/> with the reader's code and a
/// message naming the field — never its value (a hostile server's text must not reach a log through us).
/// </summary>
internal readonly struct WireFields
{
    private readonly MppErrorCode _code;
    private readonly string _subject;

    public WireFields(MppErrorCode code, string subject)
    {
        _code = code;
        _subject = subject;
    }

    public MppException Invalid(string message, Exception? inner = null) => new(_code, $"The {_subject}'s {message}", inner);

    public void RequireObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MppException(_code, $"The {_subject} is not a JSON object.");
        }
    }

    public string String(JsonElement obj, string name) =>
        OptionalString(obj, name) ?? throw Invalid($"{name} must be a non-empty string.");

    public string? OptionalString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid($"{name} must be a non-empty string.");
    }

    /// <summary>A base-10 digit string (no sign, no exponent) of at most <paramref name="bits"/> bits.</summary>
    public BigInteger Amount(JsonElement obj, string name, int bits = 96) =>
        OptionalAmount(obj, name, bits) ?? throw Invalid($"{name} must be a base-10 integer string.");

    public BigInteger? OptionalAmount(JsonElement obj, string name, int bits = 96)
    {
        if (OptionalString(obj, name) is not { } text)
        {
            return null;
        }

        if (text.Length > 80 || !text.All(char.IsAsciiDigit))
        {
            throw Invalid($"{name} must be a base-10 integer string.");
        }

        var value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value.GetBitLength() <= bits ? value : throw Invalid($"{name} exceeds {bits} bits.");
    }

    public string Address(JsonElement obj, string name) => OptionalAddress(obj, name) ?? throw Invalid($"{name} must be a 20-byte hex address.");

    public string? OptionalAddress(JsonElement obj, string name)
    {
        if (OptionalString(obj, name) is not { } text)
        {
            return null;
        }

        try
        {
            return EvmAddress.Normalize(text);
        }
        catch (FormatException)
        {
            throw Invalid($"{name} must be a 20-byte hex address.");
        }
    }

    public string Bytes32(JsonElement obj, string name) => OptionalBytes32(obj, name) ?? throw Invalid($"{name} must be 0x-prefixed bytes32 hex.");

    public string? OptionalBytes32(JsonElement obj, string name)
    {
        if (OptionalString(obj, name) is not { } text)
        {
            return null;
        }

        try
        {
            return AbiWords.NormalizeBytes32(text, name);
        }
        catch (FormatException)
        {
            throw Invalid($"{name} must be 0x-prefixed bytes32 hex.");
        }
    }

    /// <summary>0x-prefixed hex of any even length (at least one byte), lower-cased.</summary>
    public string HexBytes(JsonElement obj, string name)
    {
        var text = String(obj, name);
        if (!text.StartsWith("0x", StringComparison.Ordinal) || text.Length < 4)
        {
            throw Invalid($"{name} must be 0x-prefixed hex.");
        }

        try
        {
            return Hex.Encode(Hex.Decode(text));
        }
        catch (FormatException)
        {
            throw Invalid($"{name} must be 0x-prefixed hex.");
        }
    }

    public ulong? OptionalPositiveInteger(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number) && number > 0
            ? number
            : throw Invalid($"{name} must be a positive integer.");
    }

    public long? OptionalNonNegativeInteger(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw Invalid($"{name} must be a non-negative integer.");
    }

    public ChannelDescriptor? OptionalDescriptor(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return ChannelDescriptor.FromJson(value);
        }
        catch (FormatException e)
        {
            // The descriptor's own messages name fields only.
            throw Invalid($"{name} is malformed: {e.Message}");
        }
    }
}
