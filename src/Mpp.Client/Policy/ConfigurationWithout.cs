using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Mpp.Client.Policy;

/// <summary>
/// A read view of a configuration section that hides some keys (values the binder cannot convert, already reported), so
/// that the binder, which stops at the first value it cannot convert, binds everything else and the rest is validated too.
/// </summary>
internal sealed class ConfigurationWithout(IConfiguration inner, IReadOnlySet<string> hiddenPaths) : IConfigurationSection
{
    public string Key => (inner as IConfigurationSection)?.Key ?? string.Empty;

    public string Path => ConfigurationShape.PathOf(inner);

    public string? Value
    {
        get => hiddenPaths.Contains(Path) ? null : (inner as IConfigurationSection)?.Value;
        set => throw new NotSupportedException("A read view.");
    }

    public string? this[string key]
    {
        get => hiddenPaths.Contains(Path.Length == 0 ? key : ConfigurationPath.Combine(Path, key)) ? null : inner[key];
        set => throw new NotSupportedException("A read view.");
    }

    public IConfigurationSection GetSection(string key) => new ConfigurationWithout(inner.GetSection(key), hiddenPaths);

    public IEnumerable<IConfigurationSection> GetChildren()
    {
        foreach (var child in inner.GetChildren())
        {
            if (!hiddenPaths.Contains(child.Path))
            {
                yield return new ConfigurationWithout(child, hiddenPaths);
            }
        }
    }

    public IChangeToken GetReloadToken() => inner.GetReloadToken();
}
