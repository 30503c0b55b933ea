using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Mpp.Client.Policy;

/// <summary>
/// The shape of the configuration that binds to <see cref="MppOptions"/> and <see cref="BudgetOptions"/>, checked before
/// binding so that mistakes the binder passes over in silence or stops at are all reported, with the paths the user wrote:
/// unknown keys (a typo such as <c>PerDya</c>), values it cannot convert (<c>"banana"</c> as a window), a single value
/// where a section or list is expected. Subsections a rail claimed (<c>MppBuilder.ClaimSection</c>) are not looked into.
/// Values are quoted only for settings of this shape (caps, numbers, flags, durations), never for unknown keys.
/// </summary>
internal sealed class ConfigurationShape
{
    private static readonly ConfigurationShape Text = new(ShapeKind.Text);
    private static readonly ConfigurationShape Flag = new(ShapeKind.Flag);
    private static readonly ConfigurationShape Integer = new(ShapeKind.Integer);
    private static readonly ConfigurationShape Duration = new(ShapeKind.Duration);
    private static readonly ConfigurationShape Caps = new(ShapeKind.Map, element: Text);

    private readonly ShapeKind _kind;
    private readonly ConfigurationShape? _element;

    private ConfigurationShape(ShapeKind kind, ConfigurationShape? element = null, params (string Key, ConfigurationShape Shape)[] members)
    {
        _kind = kind;
        _element = element;
        Members = members.ToFrozenDictionary(static m => m.Key, static m => m.Shape, StringComparer.OrdinalIgnoreCase);
    }

    private enum ShapeKind
    {
        Object,
        Map,
        List,
        Text,
        Flag,
        Integer,
        Duration,
    }

    /// <summary>The shape of <see cref="BudgetOptions"/> (<c>Mpp:Budget</c>, a host's caps, a client budget).</summary>
    public static ConfigurationShape Budget { get; } = Object(
        ("PerRequest", Caps),
        ("PerHour", Caps),
        ("PerDay", Caps),
        ("PerWeek", Caps),
        ("PerMonth", Caps),
        ("Lifetime", Caps),
        ("Windows", new(ShapeKind.List, element: Object(("Window", Duration), ("Limits", Caps)))));

    /// <summary>The shape of <see cref="MppOptions"/> (the <c>Mpp</c> section).</summary>
    public static ConfigurationShape Mpp { get; } = Object(
        ("Budget", Budget),
        ("Hosts", new(ShapeKind.Map, element: Budget)),
        ("AllowedHosts", new(ShapeKind.List, element: Text)),
        ("AllowedMethods", new(ShapeKind.List, element: Text)),
        ("AllowedAssets", new(ShapeKind.List, element: Text)),
        ("AllowedRecipients", new(ShapeKind.List, element: Text)),
        ("Assets", new(ShapeKind.Map, element: Object(("Decimals", Integer), ("Unit", Text)))),
        ("Preferences", new(ShapeKind.List, element: Text)),
        ("SendAcceptPayment", Flag),
        ("AllowInsecureHttp", Flag),
        ("AllowUncappedUnits", Flag),
        ("MaxPaymentRounds", Integer),
        ("ThrowOnPaymentFailure", Flag),
        ("FollowRedirects", Flag),
        ("MaxRedirects", Integer),
        ("CredentialTimeout", Duration),
        ("ObserverTimeout", Duration),
        ("Retry", Object(("MaxRetryAttempts", Integer), ("BaseDelay", Duration), ("AttemptTimeout", Duration))));

    /// <summary>The members of an object shape (empty for other shapes); a test keeps them in step with the options classes.</summary>
    public FrozenDictionary<string, ConfigurationShape> Members { get; }

    /// <summary>The shape of a map's values or a list's items, if this is a map or a list.</summary>
    public ConfigurationShape? Element => _element;

    /// <summary>
    /// Binds <paramref name="options"/> from <paramref name="configuration"/> with the source-generated binder, after
    /// checking its shape; every problem is kept in <see cref="MppOptions.ConfigurationErrors"/>. Values the binder cannot
    /// convert are left out of the binding, so that the rest binds and is validated too.
    /// </summary>
    public static void Bind(IConfiguration configuration, MppOptions options, IReadOnlySet<string> claimed)
    {
        var errors = new List<string>();
        var unconvertible = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Mpp.Check(configuration, claimed, errors, unconvertible);
        try
        {
            (unconvertible.Count == 0 ? configuration : new ConfigurationWithout(configuration, unconvertible)).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message); // a conversion the shape does not know of: reported rather than thrown at the caller
        }

        options.ConfigurationErrors = errors.Count == 0 ? null : errors;
    }

    /// <summary>As <see cref="Bind(IConfiguration, MppOptions, IReadOnlySet{string})"/>, for a client budget.</summary>
    public static void Bind(IConfiguration configuration, BudgetOptions options)
    {
        var errors = new List<string>();
        var unconvertible = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Budget.Check(configuration, null, errors, unconvertible);
        try
        {
            (unconvertible.Count == 0 ? configuration : new ConfigurationWithout(configuration, unconvertible)).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }

        options.ConfigurationErrors = errors.Count == 0 ? null : errors;
    }

    /// <summary>The configuration path of <paramref name="configuration"/>: a section's path, empty for a root.</summary>
    public static string PathOf(IConfiguration configuration) => (configuration as IConfigurationSection)?.Path ?? string.Empty;

    /// <summary>Checks <paramref name="configuration"/> against this shape.</summary>
    /// <param name="configuration">The section (or root) to check.</param>
    /// <param name="claimed">Keys directly under it that rails own, not checked.</param>
    /// <param name="errors">Where problems are added.</param>
    /// <param name="unconvertible">Where the paths of values that cannot be converted are added.</param>
    public void Check(IConfiguration configuration, IReadOnlySet<string>? claimed, List<string> errors, HashSet<string> unconvertible) =>
        Check(configuration, PathOf(configuration), (configuration as IConfigurationSection)?.Value, claimed, errors, unconvertible);

    /// <summary>The section a durable ledger store claims (<c>Mpp:Ledger</c>); the core itself has no store to configure.</summary>
    private const string LedgerSection = "Ledger";

    /// <summary>The error for <c>Mpp:Ledger</c> when no ledger package claimed it: it names the package to add.</summary>
    private static string UnregisteredLedger(IConfigurationSection ledger)
    {
        var provider = ledger["Provider"];
        return string.IsNullOrWhiteSpace(provider)
            ? $"{ledger.Path} configures a ledger store, but none is registered: add the package Mpp.Client.Ledger.Sqlite or Mpp.Client.Ledger.PostgreSql and call UseSqliteLedger() or UsePostgreSqlLedger() on the Mpp builder, or remove {ledger.Path} to keep the in-memory ledger."
            : $"{ledger.Path}:Provider = '{provider}' names a ledger store whose package is not registered: add the package Mpp.Client.Ledger.{provider} and call Use{provider}Ledger() on the Mpp builder (Sqlite and PostgreSql exist), or remove {ledger.Path} to keep the in-memory ledger.";
    }

    private static ConfigurationShape Object(params (string Key, ConfigurationShape Shape)[] members) => new(ShapeKind.Object, null, members);

    private void Check(IConfiguration section, string path, string? value, IReadOnlySet<string>? claimed, List<string> errors, HashSet<string> unconvertible)
    {
        var children = section.GetChildren().ToList();
        switch (_kind)
        {
            case ShapeKind.Object or ShapeKind.Map or ShapeKind.List when children.Count == 0:
                if (!string.IsNullOrEmpty(value))
                {
                    errors.Add(_kind == ShapeKind.List
                        ? $"{path} must be a list (a JSON array), not a single value."
                        : $"{path} must be a section (a JSON object), not a single value.");
                }

                break;
            case ShapeKind.Object:
                foreach (var child in children)
                {
                    if (Members.TryGetValue(child.Key, out var member))
                    {
                        member.Check(child, child.Path, child.Value, null, errors, unconvertible);
                    }
                    else if (claimed is not null && !claimed.Contains(child.Key) && string.Equals(child.Key, LedgerSection, StringComparison.OrdinalIgnoreCase))
                    {
                        errors.Add(UnregisteredLedger(child));
                    }
                    else if (claimed is null || !claimed.Contains(child.Key))
                    {
                        var known = string.Join(", ", Members.Keys.Order(StringComparer.Ordinal));
                        var rails = claimed is { Count: > 0 } ? $", or a section a rail claimed ({string.Join(", ", claimed.Order(StringComparer.Ordinal))})" : string.Empty;
                        errors.Add($"{child.Path} is not a known setting ({(path.Length == 0 ? "the section" : path)} takes {known}{rails}).");
                    }
                }

                break;
            case ShapeKind.Map or ShapeKind.List:
                foreach (var child in children)
                {
                    _element!.Check(child, child.Path, child.Value, null, errors, unconvertible);
                }

                break;
            case ShapeKind.Text or ShapeKind.Flag or ShapeKind.Integer or ShapeKind.Duration when children.Count > 0:
                errors.Add($"{path} must be a single value, not a section.");
                break;
            case ShapeKind.Flag when !string.IsNullOrEmpty(value) && !bool.TryParse(value, out _):
                errors.Add($"{path} = '{value}' is not true or false.");
                unconvertible.Add(path);
                break;
            case ShapeKind.Integer when !string.IsNullOrEmpty(value) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _):
                errors.Add($"{path} = '{value}' is not a whole number.");
                unconvertible.Add(path);
                break;
            case ShapeKind.Duration when !string.IsNullOrEmpty(value) && !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _):
                errors.Add($"{path} = '{value}' is not a duration (such as 00:10:00, or 1.00:00:00 for a day).");
                unconvertible.Add(path);
                break;
        }
    }
}
