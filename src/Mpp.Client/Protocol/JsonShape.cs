using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// Checks that UTF-8 bytes are one JSON object with no duplicate member names at any depth, without building a document
/// (a forward pass of <see cref="Utf8JsonReader"/>). Parsing a challenge needs the check; the document is built only when
/// the request is read, which most unpayable challenges never are.
/// </summary>
internal static class JsonShape
{
    /// <summary>Returns null when the bytes are a valid object, or why not.</summary>
    public static string? CheckObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = StrictJson.Options.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "must decode to a JSON object";
            }

            // Member names seen per open object, as (depth, start, length) into the input; escaped names fall back to a full parse.
            Span<(int Depth, int Start, int Length)> inline = stackalloc (int, int, int)[16];
            (int Depth, int Start, int Length)[]? spill = null;
            var count = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped || reader.HasValueSequence)
                        {
                            return FullCheck(json);
                        }

                        var depth = reader.CurrentDepth;
                        var start = (int)reader.TokenStartIndex + 1;
                        var name = reader.ValueSpan;
                        var names = spill is null ? inline[..count] : spill.AsSpan(0, count);
                        for (var i = names.Length - 1; i >= 0 && names[i].Depth >= depth; i--)
                        {
                            if (names[i].Depth == depth && json.Slice(names[i].Start, names[i].Length).SequenceEqual(name))
                            {
                                return "holds a duplicate member name";
                            }
                        }

                        if (count == inline.Length && spill is null)
                        {
                            spill = new (int, int, int)[count * 2];
                            inline.CopyTo(spill);
                        }
                        else if (spill is not null && count == spill.Length)
                        {
                            Array.Resize(ref spill, count * 2);
                        }

                        if (spill is null)
                        {
                            inline[count++] = (depth, start, name.Length);
                        }
                        else
                        {
                            spill[count++] = (depth, start, name.Length);
                        }

                        break;
                    case JsonTokenType.EndObject:
                        var closing = reader.CurrentDepth + 1; // members of the closed object sit one level deeper
                        var all = spill is null ? inline[..count] : spill.AsSpan(0, count);
                        while (count > 0 && all[count - 1].Depth >= closing)
                        {
                            count--;
                        }

                        break;
                }
            }

            return reader.BytesConsumed == json.Length || json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty ? null : "has trailing data";
        }
        catch (JsonException)
        {
            return "does not decode to JSON";
        }
    }

    private static string? FullCheck(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonElement.Parse(json, StrictJson.Options).ValueKind == JsonValueKind.Object ? null : "must decode to a JSON object";
        }
        catch (JsonException)
        {
            return "does not decode to JSON or holds a duplicate member name";
        }
    }
}
