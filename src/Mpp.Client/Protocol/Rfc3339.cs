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

    /// <summary>Formats an instant as RFC 3339 UTC with <c>Z</c> and no fractional seconds when there are none.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.Millisecond == 0 && utc.Ticks % TimeSpan.TicksPerMillisecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }
}
