using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Mpp.Client.Ledger.Sql;

/// <summary>Reads <c>Mpp:Ledger</c> (claimed by the store's package): the provider, the store's own keys, and durations.</summary>
internal sealed class LedgerSection(IConfiguration? section, string provider, params string[] keys)
{
    public const string Key = "Ledger";

    public string Path => (section as IConfigurationSection)?.Path ?? Key;

    /// <summary>The configured provider, when one is named.</summary>
    public string? Provider => section?["Provider"] is { Length: > 0 } p ? p.Trim() : null;

    /// <summary>True when this package's store is the one to use: the provider names it, or names none.</summary>
    public bool Chooses => Provider is null || string.Equals(Provider, provider, StringComparison.OrdinalIgnoreCase);

    public string? this[string key] => section?[key];

    /// <summary>Unknown keys and unreadable durations, with the paths the user wrote.</summary>
    public List<string> Errors()
    {
        var errors = new List<string>();
        if (section is null)
        {
            return errors;
        }

        foreach (var child in section.GetChildren())
        {
            if (!string.Equals(child.Key, "Provider", StringComparison.OrdinalIgnoreCase) && !keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{child.Path} is not a known setting (the {provider} ledger takes Provider, {string.Join(", ", keys)}).");
            }
        }

        return errors;
    }

    /// <summary>A duration from <paramref name="key"/>, or <paramref name="fallback"/>; a bad value is added to <paramref name="errors"/>.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, List<string> errors)
    {
        if (section?[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        errors.Add($"{Path}:{key} = '{text}' is not a positive duration (such as 00:15:00, or 30.00:00:00 for 30 days).");
        return fallback;
    }
}
