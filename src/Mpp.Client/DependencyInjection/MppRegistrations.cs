using Microsoft.Extensions.Configuration;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What the <c>AddMpp</c> family registered in one service collection, shared by every <see cref="MppBuilder"/> made for
/// it: the section the options are bound from, the subsections rails claimed, the assets rails added, the client budgets,
/// and registration mistakes to report at start (a second, different section).
/// </summary>
internal sealed class MppRegistrations
{
    private readonly Dictionary<string, IConfiguration?> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssetInfo> _assets = new(StringComparer.Ordinal);

    /// <summary>The section <see cref="MppOptions"/> is bound from, or null when configured in code only.</summary>
    public IConfiguration? Section { get; private set; }

    /// <summary>The configuration path errors about <see cref="MppOptions"/> name: the bound section's, else <c>Mpp</c>.</summary>
    public string Path => Section is null ? MppOptions.SectionName : ConfigurationShape.PathOf(Section);

    /// <summary>Keys under the options' section that rails own (<c>Tempo</c> for <c>Mpp:Tempo</c>).</summary>
    public HashSet<string> ClaimedSections { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Assets rails added; configuration under <c>Mpp:Assets</c> overrides them.</summary>
    public IReadOnlyCollection<AssetInfo> Assets => _assets.Values;

    /// <summary>The names of the clients with a budget of their own.</summary>
    public IReadOnlyCollection<string> Clients => _clients.Keys;

    /// <summary>Registration mistakes, reported with the configuration errors at start.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>The registrations of <paramref name="services"/>, added on first use.</summary>
    public static MppRegistrations Of(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(MppRegistrations) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is MppRegistrations found)
            {
                return found;
            }
        }

        var registrations = new MppRegistrations();
        services.AddSingleton(registrations);
        return registrations;
    }

    /// <summary>
    /// Records that <see cref="MppOptions"/> is bound from <paramref name="section"/>. True when it should be bound; false
    /// when the same section path is already bound (binding it again would only repeat list entries). A different
    /// section is an error at start: two sections would merge caps in a way nobody wrote down.
    /// </summary>
    public bool BindOptions(IConfiguration section)
    {
        if (Section is null)
        {
            Section = section;
            return true;
        }

        if (!SamePath(Section, section))
        {
            Errors.Add($"The Mpp options are bound from two configuration sections, '{Path}' and '{ConfigurationShape.PathOf(section)}' (AddMpp or AddMppPayments was given both). Bind one section.");
        }

        return false;
    }

    /// <summary>Records a client budget configured in code (<paramref name="section"/> null) or bound from a section; true when the section should be bound.</summary>
    public bool AddClient(string name, IConfiguration? section)
    {
        if (!_clients.TryGetValue(name, out var bound) || bound is null)
        {
            _clients[name] = section;
            return section is not null;
        }

        if (section is not null && !SamePath(bound, section))
        {
            Errors.Add($"The budget of HTTP client '{name}' is bound from two configuration sections, '{ConfigurationShape.PathOf(bound)}' and '{ConfigurationShape.PathOf(section)}'. Bind one section.");
        }

        return false;
    }

    /// <summary>The configuration path errors about a client budget name.</summary>
    public string ClientPath(string name) =>
        _clients.TryGetValue(name, out var section) && section is not null ? ConfigurationShape.PathOf(section) : ClientBudget.CodePath(name);

    /// <summary>Adds an asset a rail counts; the same definition twice is harmless, two different ones are an error at start.</summary>
    public void AddAsset(AssetInfo asset)
    {
        if (_assets.TryGetValue(asset.Key, out var existing) && existing != asset)
        {
            Errors.Add($"The asset '{asset.Key}' was added twice with different definitions ({existing.Decimals} decimals counted as {existing.Unit}, and {asset.Decimals} decimals counted as {asset.Unit}).");
            return;
        }

        _assets[asset.Key] = asset;
    }

    private static bool SamePath(IConfiguration a, IConfiguration b) =>
        string.Equals(ConfigurationShape.PathOf(a), ConfigurationShape.PathOf(b), StringComparison.OrdinalIgnoreCase);
}
