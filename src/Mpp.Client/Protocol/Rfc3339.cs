using System.Globalization;

namespace Mpp.Client.Protocol;

/// <summary>RFC 3339 date-time parsing and formatting (the form of <c>expires</c> and receipt <c>timestamp</c>).</summary>
public static class Rfc3339
{
    private static readonly string[] UtcFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    private static readonly string[] OffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    /// <summary>Parses an RFC 3339 date-time with a <c>Z</c> or numeric offset; lowercase <c>t</c>/<c>z</c> are accepted.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length < 20 || text.Length > 40)
        {
            return false;
        }

        if (TryParseFast(text, out value))
        {
            return true;
        }

        var normalized = text.Replace('t', 'T').Replace('z', 'Z');
        // .NET carries at most 7 fractional digits; RFC 3339 allows more. Truncate extra digits (sub-100ns precision).
        var dot = normalized.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < normalized.Length && char.IsAsciiDigit(normalized[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                normalized = string.Concat(normalized.AsSpan(0, dot + 8), normalized.AsSpan(end));
            }
        }

        // RFC 3339 requires a zone: "Z" or a numeric offset; a local time without one is rejected.
        return normalized.EndsWith('Z')
            ? DateTimeOffset.TryParseExact(normalized, UtcFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            : normalized.Length > 6 && normalized[^6] is '+' or '-' && normalized[^3] == ':'
              && DateTimeOffset.TryParseExact(normalized, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// The common shapes without the culture-aware parser: <c>YYYY-MM-DDTHH:MM:SS</c>, up to 7 fraction digits, then
    /// <c>Z</c> or <c>±HH:MM</c>. Anything else falls back to the general path.
    /// </summary>
    private static bool TryParseFast(string s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] is not ('T' or 't')) || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            var scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start >= 7)
                {
                    return false; // more than 7 digits: the general path truncates
                }

                fractionTicks += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        TimeSpan offset;
        if (i == s.Length - 1 && s[i] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (i == s.Length - 6 && s[i] is '+' or '-' && s[i + 3] == ':' && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om) && oh < 24 && om < 60)
        {
            offset = new TimeSpan(oh, om, 0);
            if (s[i] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>Formats an instant as RFC 3339 UTC with <c>Z</c> and no fractional seconds when there are none.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        if (utc.Ticks % TimeSpan.TicksPerSecond == 0 && utc.Year <= 9999)
        {
            // Whole seconds (every challenge's expires): the fixed layout written directly, no format-string parse.
            return string.Create(20, utc.DateTime, static (chars, t) =>
            {
                Digits(chars[..4], t.Year);
                chars[4] = '-';
                Digits(chars.Slice(5, 2), t.Month);
                chars[7] = '-';
                Digits(chars.Slice(8, 2), t.Day);
                chars[10] = 'T';
                Digits(chars.Slice(11, 2), t.Hour);
                chars[13] = ':';
                Digits(chars.Slice(14, 2), t.Minute);
                chars[16] = ':';
                Digits(chars.Slice(17, 2), t.Second);
                chars[19] = 'Z';
            });
        }

        return utc.Millisecond == 0 && utc.Ticks % TimeSpan.TicksPerMillisecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    private static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
