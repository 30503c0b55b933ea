using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// JSON Canonicalization Scheme (RFC 8785). The core spec (§ "Required Parameters", <c>request</c>) requires the
/// challenge request and <c>opaque</c> to be JCS-serialized so that challenge-id HMACs match across SDKs.
/// </summary>
/// <remarks>
/// Written here rather than taken from a library: System.Text.Json has no canonical mode (its writer escapes
/// non-ASCII and HTML-sensitive characters and keeps member order), and no maintained .NET JCS package is served.
/// </remarks>
public static class CanonicalJson
{
    /// <summary>Returns the canonical UTF-8 bytes of a JSON value.</summary>
    /// <exception cref="MppFormatException">The value holds a number that is not finite as an IEEE double, or a lone surrogate.</exception>
    public static byte[] Serialize(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the canonical JSON text of a value.</summary>
    public static string SerializeToString(JsonElement value) => Encoding.UTF8.GetString(Serialize(value));

    /// <summary>Canonicalizes a JSON value and encodes it as base64url without padding (the wire form of <c>request</c>).</summary>
    public static string EncodeBase64Url(JsonElement value)
    {
        using var buffer = new PooledBufferWriter(256);
        Write(buffer, value);
        return Base64Url.Encode(buffer.WrittenSpan);
    }

    /// <summary>Writes the canonical form of <paramref name="value"/> into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(output, value);
                break;
            case JsonValueKind.Array:
                WriteRaw(output, "["u8);
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteRaw(output, ","u8);
                    }

                    first = false;
                    Write(output, item);
                }

                WriteRaw(output, "]"u8);
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value); // with its quotes, as received (valid UTF-8, checked by the parser)
                if (raw.IndexOf((byte)'\\') < 0)
                {
                    // Nothing escaped: no '"', no control character, no lone surrogate; the raw bytes are the canonical form.
                    WriteRaw(output, raw);
                }
                else
                {
                    WriteString(output, value.GetString()!);
                }

                break;
            case JsonValueKind.Number:
                var number = JsonMarshal.GetRawUtf8Value(value);
                if (IsPlainInteger(number))
                {
                    WriteRaw(output, number); // an exact integer prints as its own digits in ECMAScript
                }
                else
                {
                    WriteAscii(output, FormatNumber(value.GetRawText()));
                }

                break;
            case JsonValueKind.True:
                WriteRaw(output, "true"u8);
                break;
            case JsonValueKind.False:
                WriteRaw(output, "false"u8);
                break;
            case JsonValueKind.Null:
                WriteRaw(output, "null"u8);
                break;
            default:
                throw new MppFormatException(MppErrorCode.InvalidEncoding, "Undefined JSON value cannot be canonicalized.");
        }
    }

    private static void WriteObject(IBufferWriter<byte> output, JsonElement value)
    {
        // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names. Names of plain ASCII (no escape) are
        // compared as their raw UTF-8 bytes, which order alike, without a string per name; most objects arrive with such
        // names already in order (everything this SDK writes does) and are written as they are, without a sort.
        var ordered = true;
        var ascii = true;
        var count = 0;
        ReadOnlySpan<byte> previous = default;
        foreach (var p in value.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            if (!IsPlainAsciiName(name))
            {
                ascii = false;
                break;
            }

            if (count > 0 && previous.SequenceCompareTo(name) >= 0)
            {
                ordered = false; // out of order, or a duplicate (raised below)
            }

            previous = name;
            count++;
        }

        if (ascii && ordered)
        {
            WriteRaw(output, "{"u8);
            var first = true;
            foreach (var p in value.EnumerateObject())
            {
                WriteMemberName(output, JsonMarshal.GetRawUtf8PropertyName(p), first);
                first = false;
                Write(output, p.Value);
            }

            WriteRaw(output, "}"u8);
            return;
        }

        if (ascii)
        {
            var rented = ArrayPool<JsonProperty>.Shared.Rent(count);
            try
            {
                var n = 0;
                foreach (var p in value.EnumerateObject())
                {
                    rented[n++] = p;
                }

                var sorted = rented.AsSpan(0, n);
                sorted.Sort(static (a, b) => JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
                WriteRaw(output, "{"u8);
                for (var i = 0; i < sorted.Length; i++)
                {
                    var name = JsonMarshal.GetRawUtf8PropertyName(sorted[i]);
                    if (i > 0 && name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(sorted[i - 1])))
                    {
                        throw new MppFormatException(MppErrorCode.InvalidEncoding, $"Duplicate JSON member name '{sorted[i].Name}'.");
                    }

                    WriteMemberName(output, name, first: i == 0);
                    Write(output, sorted[i].Value);
                }

                WriteRaw(output, "}"u8);
            }
            finally
            {
                Array.Clear(rented, 0, count);
                ArrayPool<JsonProperty>.Shared.Return(rented);
            }

            return;
        }

        var members = new List<(string Name, JsonElement Value)>();
        foreach (var p in value.EnumerateObject())
        {
            members.Add((p.Name, p.Value));
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        WriteRaw(output, "{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (string.Equals(members[i].Name, members[i - 1].Name, StringComparison.Ordinal))
                {
                    throw new MppFormatException(MppErrorCode.InvalidEncoding, $"Duplicate JSON member name '{members[i].Name}'.");
                }

                WriteRaw(output, ","u8);
            }

            WriteString(output, members[i].Name);
            WriteRaw(output, ":"u8);
            Write(output, members[i].Value);
        }

        WriteRaw(output, "}"u8);
    }

    private static void WriteMemberName(IBufferWriter<byte> output, ReadOnlySpan<byte> name, bool first)
    {
        var span = output.GetSpan(name.Length + 4);
        var at = 0;
        if (!first)
        {
            span[at++] = (byte)',';
        }

        span[at++] = (byte)'"';
        name.CopyTo(span[at..]);
        at += name.Length;
        span[at++] = (byte)'"';
        span[at++] = (byte)':';
        output.Advance(at);
    }

    /// <summary>A raw member name of printable ASCII with no escape: written as is, ordered by its bytes.</summary>
    private static bool IsPlainAsciiName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b is < 0x20 or >= 0x80 or (byte)'\\' or (byte)'"')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A raw JSON integer of at most 15 digits, not <c>-0</c>: exact as a double, so ECMAScript prints these very digits.</summary>
    private static bool IsPlainInteger(ReadOnlySpan<byte> raw)
    {
        var digits = raw.Length > 0 && raw[0] == (byte)'-' ? raw[1..] : raw;
        if (digits.Length is 0 or > 15 || (digits.Length < raw.Length && digits[0] == (byte)'0'))
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes a JSON string in canonical form.</summary>
    internal static void WriteString(IBufferWriter<byte> output, string s)
    {
        // RFC 8785 §3.2.2.2: only '"', '\\' and control characters are escaped; everything else is raw UTF-8.
        if (!NeedsEscapingOrCheck(s))
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length) + 2);
            span[0] = (byte)'"';
            var written = Encoding.UTF8.GetBytes(s, span[1..]);
            span[written + 1] = (byte)'"';
            output.Advance(written + 2);
            return;
        }

        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                        {
                            throw new MppFormatException(MppErrorCode.InvalidEncoding, "JSON string holds a lone surrogate.");
                        }

                        sb.Append(c).Append(s[++i]);
                    }
                    else if (char.IsLowSurrogate(c))
                    {
                        throw new MppFormatException(MppErrorCode.InvalidEncoding, "JSON string holds a lone surrogate.");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        var text = sb.ToString();
        var target = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, target);
        output.Advance(n);
    }

    private static bool NeedsEscapingOrCheck(string s)
    {
        foreach (var c in s)
        {
            if (c < 0x20 || c == '"' || c == '\\' || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Formats a JSON number as ECMAScript's <c>Number.prototype.toString</c> does (RFC 8785 §3.2.2.3).</summary>
    internal static string FormatNumber(string raw)
    {
        var d = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(d))
        {
            throw new MppFormatException(MppErrorCode.InvalidEncoding, "JSON number is out of the IEEE 754 double range.");
        }

        if (d == 0)
        {
            return "0";
        }

        var negative = d < 0;
        var abs = Math.Abs(d);
        // Shortest round-trip digits, then ECMAScript layout (also for integers: 2^53 < n < 1e21 prints its shortest
        // digits padded with zeros, as JavaScript does, not its exact binary value).
        var (digits, exponent) = Decompose(abs.ToString("R", CultureInfo.InvariantCulture));
        var result = Layout(digits, exponent);
        return negative ? "-" + result : result;
    }

    private static (string Digits, int N) Decompose(string shortest)
    {
        // shortest is like "1.2345E-07", "123.45" or "1E+21"; return digits without leading/trailing zeros and n
        // such that value = 0.d1d2...dk * 10^n.
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exp = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var all = intPart + fracPart;
        var n = intPart.Length + exp;
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
        {
            lead++;
            n--;
        }

        all = all[lead..].TrimEnd('0');
        return (all.Length == 0 ? "0" : all, n);
    }

    private static string Layout(string digits, int n)
    {
        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return digits[..n] + "." + digits[n..];
        }

        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        var e = n - 1;
        var sign = e < 0 ? "-" : "+";
        var mant = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return mant + "e" + sign + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
    }

    internal static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        output.Advance(ascii.Length);
    }
}
