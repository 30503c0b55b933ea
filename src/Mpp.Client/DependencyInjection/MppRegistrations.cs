using Microsoft.Extensions.Configuration;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What the <c>AddMpp</c> family registered in one service collection, shared by every <see cref="MppBuilder"/> made for
/// it: the section the options are bound from and the client budgets.
/// </summary>
internal sealed class MppRegistrations
{
    private readonly Dictionary<string, IConfiguration?> _clients = new(StringComparer.Ordinal);

    /// <summary>The section <see cref="MppOptions"/> is bound from, or null when configured in code only.</summary>
    public IConfiguration? Section { get; private set; }

    /// <summary>The configuration path errors about <see cref="MppOptions"/> name: the bound section's, else <c>Mpp</c>.</summary>
    public string Path => Section is null ? MppOptions.SectionName : ConfigurationShape.PathOf(Section);

    /// <summary>The names of the clients with a budget of their own.</summary>
    public IReadOnlyCollection<string> Clients => _clients.Keys;

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

    /// <summary>Records that <see cref="MppOptions"/> is bound from <paramref name="section"/> (the first one names errors); true: bind it.</summary>
    public bool BindOptions(IConfiguration section)
    {
        Section ??= section;
        return true;
    }

    /// <summary>Records a client budget configured in code (<paramref name="section"/> null) or bound from a section; true when the section should be bound.</summary>
    public bool AddClient(string name, IConfiguration? section)
    {
        if (!_clients.TryGetValue(name, out var bound) || bound is null)
        {
            _clients[name] = section;
        }

        return section is not null;
    }

    /// <summary>The configuration path errors about a client budget name.</summary>
    public string ClientPath(string name) =>
        _clients.TryGetValue(name, out var section) && section is not null ? ConfigurationShape.PathOf(section) : ClientBudget.CodePath(name);
}
