namespace Mpp.Client.Policy;

/// <summary>Host patterns of the configuration: an exact host, or <c>*.example.com</c> for any subdomain (not the apex).</summary>
internal static class HostPattern
{
    public static bool Matches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.Length > pattern.Length - 1 && host.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsValid(string pattern)
    {
        var p = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        return p.Length > 0 && Uri.CheckHostName(p) != UriHostNameType.Unknown;
    }
}
