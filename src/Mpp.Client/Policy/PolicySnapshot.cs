using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Mpp.Client.Ledger;
using Mpp.Client.Protocol;

namespace Mpp.Client.Policy;

/// <summary><see cref="MppOptions"/> parsed once: caps as decimals, patterns compiled, assets resolved.</summary>
internal sealed class PolicySnapshot
{
    private readonly List<SpendingLimit> _globalLimits = [];
    private readonly List<(string Pattern, List<SpendingLimit> Limits)> _hostLimits = [];
    private readonly List<(string Name, string Unit, decimal Cap)> _globalPerRequest = [];
    private readonly List<(string Pattern, string Name, string Unit, decimal Cap)> _hostPerRequest = [];
    private readonly List<PaymentPreference> _allowedMethods = [];
    private readonly ConcurrentDictionary<string, IReadOnlyList<SpendingLimit>> _limitsByHost = new(StringComparer.Ordinal);

    private PolicySnapshot(MppOptions source, IEnumerable<AssetInfo>? railAssets)
    {
        Source = source;
        Assets = new AssetRegistry(source.Assets, railAssets);
    }

    public MppOptions Source { get; }

    public AssetRegistry Assets { get; }

    public List<string> AllowedHosts { get; } = [];

    public HashSet<string> AllowedAssets { get; } = new(StringComparer.Ordinal);

    public HashSet<string> AllowedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<PaymentPreference> Preferences { get; } = [];

    public bool AllowUncappedUnits => Source.AllowUncappedUnits;

    public IReadOnlyList<SpendingLimit> AllLimits
    {
        get
        {
            var all = new List<SpendingLimit>(_globalLimits);
            foreach (var (_, limits) in _hostLimits)
            {
                all.AddRange(limits);
            }

            return all;
        }
    }

    /// <summary>Compiles <paramref name="options"/>, listing every problem in <paramref name="errors"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="path">The configuration path they were bound from (<c>Mpp</c>), which every error names.</param>
    /// <param name="railAssets">Assets rails added (<c>MppBuilder.AddAsset</c>); configured ones override them.</param>
    /// <param name="errors">Every problem, binding ones first.</param>
    public static PolicySnapshot Compile(MppOptions options, string path, IEnumerable<AssetInfo>? railAssets, out List<string> errors)
    {
        errors = options.ConfigurationErrors is { } bindingErrors ? [.. bindingErrors] : [];
        var s = new PolicySnapshot(options, railAssets);
        foreach (var (key, asset) in options.Assets)
        {
            if (asset.Decimals is < 0 or > 28)
            {
                errors.Add($"{Join(path, "Assets", key, "Decimals")} must be between 0 and 28.");
            }
        }

        s.CompileBudget(options.Budget, "Budget", Join(path, "Budget"), null, errors);
        foreach (var (pattern, budget) in options.Hosts)
        {
            var p = pattern.Trim().ToLowerInvariant();
            if (!HostPattern.IsValid(p))
            {
                errors.Add($"{Join(path, "Hosts", pattern)} is not a host name or *.domain pattern.");
                continue;
            }

            s.CompileBudget(budget, $"Hosts[{p}]", Join(path, "Hosts", pattern), p, errors);
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            var h = options.AllowedHosts[i];
            var p = h.Trim().ToLowerInvariant();
            if (!HostPattern.IsValid(p))
            {
                errors.Add($"{Join(path, "AllowedHosts", Index(i))} = '{h}' is not a host name or *.domain pattern.");
            }

            s.AllowedHosts.Add(p);
        }

        for (var i = 0; i < options.AllowedMethods.Count; i++)
        {
            var m = options.AllowedMethods[i];
            try
            {
                s._allowedMethods.Add(PaymentPreference.Parse(m));
            }
            catch (FormatException ex)
            {
                errors.Add($"{Join(path, "AllowedMethods", Index(i))} = '{m}': {ex.Message}");
            }
        }

        for (var i = 0; i < options.AllowedAssets.Count; i++)
        {
            var a = options.AllowedAssets[i];
            var k = a.Trim().ToLowerInvariant();
            if (!s.Assets.TryGet(k, out _))
            {
                errors.Add($"{Join(path, "AllowedAssets", Index(i))} = '{a}' is not a known asset (configure it under {Join(path, "Assets")}).");
            }

            s.AllowedAssets.Add(k);
        }

        foreach (var r in options.AllowedRecipients)
        {
            s.AllowedRecipients.Add(r.Trim());
        }

        for (var i = 0; i < options.Preferences.Count; i++)
        {
            var p = options.Preferences[i];
            try
            {
                s.Preferences.Add(PaymentPreference.Parse(p));
            }
            catch (FormatException ex)
            {
                errors.Add($"{Join(path, "Preferences", Index(i))} = '{p}': {ex.Message}");
            }
        }

        if (options.MaxPaymentRounds is < 1 or > 5)
        {
            errors.Add($"{Join(path, "MaxPaymentRounds")} must be between 1 and 5.");
        }

        if (options.CredentialTimeout < TimeSpan.FromSeconds(1) || options.CredentialTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{Join(path, "CredentialTimeout")} must be between 1 second and 1 hour.");
        }

        if (options.ObserverTimeout < TimeSpan.FromMilliseconds(100) || options.ObserverTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Join(path, "ObserverTimeout")} must be between 100 ms and 5 minutes.");
        }

        if (options.MaxRedirects is < 0 or > 50)
        {
            errors.Add($"{Join(path, "MaxRedirects")} must be between 0 and 50.");
        }

        if (options.Retry.MaxRetryAttempts is < 0 or > 10)
        {
            errors.Add($"{Join(path, "Retry", "MaxRetryAttempts")} must be between 0 and 10.");
        }

        if (options.Retry.BaseDelay < TimeSpan.Zero || options.Retry.BaseDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Join(path, "Retry", "BaseDelay")} must be between 0 and 1 minute.");
        }

        if (options.Retry.AttemptTimeout is { } t && (t < TimeSpan.FromMilliseconds(10) || t > TimeSpan.FromDays(1)))
        {
            errors.Add($"{Join(path, "Retry", "AttemptTimeout")} must be between 10 ms and 1 day.");
        }

        return s;
    }

    /// <summary>A configuration path: the segments joined with <c>:</c>, an empty prefix left out.</summary>
    internal static string Join(string prefix, params ReadOnlySpan<string> segments)
    {
        var rest = string.Join(ConfigurationPath.KeyDelimiter, segments);
        return prefix.Length == 0 ? rest : prefix + ConfigurationPath.KeyDelimiter + rest;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    public bool MethodAllowed(string method, string intent)
    {
        if (_allowedMethods.Count == 0)
        {
            return true;
        }

        foreach (var p in _allowedMethods)
        {
            if (p.Q > 0 && p.Matches(method, intent))
            {
                return true;
            }
        }

        return false;
    }

    public bool HostAllowed(string host)
    {
        if (AllowedHosts.Count == 0)
        {
            return true;
        }

        foreach (var pattern in AllowedHosts)
        {
            if (HostPattern.Matches(pattern, host))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first per-request cap (global, then host) that <paramref name="amount"/> exceeds, if any.</summary>
    public (string Name, decimal Cap)? ExceededPerRequestCap(string host, string unit, decimal amount)
    {
        foreach (var (name, u, cap) in _globalPerRequest)
        {
            if (u == unit && amount > cap)
            {
                return (name, cap);
            }
        }

        foreach (var (pattern, name, u, cap) in _hostPerRequest)
        {
            if (u == unit && amount > cap && HostPattern.Matches(pattern, host))
            {
                return (name, cap);
            }
        }

        return null;
    }

    /// <summary>True when a cap bounds payments in <paramref name="unit"/> to <paramref name="host"/>; per-request caps count only when <paramref name="includePerRequest"/>.</summary>
    public bool HasCap(string host, string unit, bool includePerRequest = true)
    {
        foreach (var c in _globalPerRequest)
        {
            if (includePerRequest && c.Unit == unit)
            {
                return true;
            }
        }

        foreach (var c in _hostPerRequest)
        {
            if (includePerRequest && c.Unit == unit && HostPattern.Matches(c.Pattern, host))
            {
                return true;
            }
        }

        foreach (var l in LimitsFor(host))
        {
            if (l.Unit == unit)
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<SpendingLimit> LimitsFor(string host)
    {
        if (_hostLimits.Count == 0)
        {
            return _globalLimits;
        }

        if (_limitsByHost.TryGetValue(host, out var cached))
        {
            return cached;
        }

        var list = new List<SpendingLimit>(_globalLimits);
        foreach (var (pattern, limits) in _hostLimits)
        {
            if (HostPattern.Matches(pattern, host))
            {
                list.AddRange(limits);
            }
        }

        // Bounded: an agent that talks to very many hosts recomputes instead of growing the cache.
        if (_limitsByHost.Count < 1024)
        {
            _limitsByHost.TryAdd(host, list);
        }

        return list;
    }

    private void CompileBudget(BudgetOptions budget, string prefix, string path, string? host, List<string> errors)
    {
        var (perRequest, limits) = CompileBudget(budget, prefix, path, host, Assets, errors);
        foreach (var (name, unit, cap) in perRequest)
        {
            if (host is null)
            {
                _globalPerRequest.Add((name, unit, cap));
            }
            else
            {
                _hostPerRequest.Add((host, name, unit, cap));
            }
        }

        if (host is null)
        {
            _globalLimits.AddRange(limits);
        }
        else
        {
            _hostLimits.Add((host, limits));
        }
    }

    /// <summary>Parses one <see cref="BudgetOptions"/> into per-request caps and ledger limits with the given scope.</summary>
    /// <param name="budget">The caps.</param>
    /// <param name="prefix">The prefix of the limits' names (<c>Budget</c>, <c>Hosts[api.example.com]</c>, <c>Clients[writer]</c>).</param>
    /// <param name="path">The configuration path the caps were bound from, which errors name (<c>Mpp:Budget</c>, <c>Agents:Writer</c>).</param>
    /// <param name="scope">The ledger scope of the limits (a host, a client), or null for the shared budget.</param>
    /// <param name="assets">The known assets, whose units caps may name.</param>
    /// <param name="errors">Where problems are added.</param>
    internal static (List<(string Name, string Unit, decimal Cap)> PerRequest, List<SpendingLimit> Limits) CompileBudget(
        BudgetOptions budget, string prefix, string path, string? scope, AssetRegistry assets, List<string> errors)
    {
        var perRequest = new List<(string, string, decimal)>();
        foreach (var (unit, cap) in Caps(budget.PerRequest, Join(path, "PerRequest"), assets, errors))
        {
            perRequest.Add(($"{prefix}.PerRequest", unit, cap));
        }

        var limits = new List<SpendingLimit>();
        void AddWindow(Dictionary<string, string> caps, string name, string capsPath, TimeSpan? window)
        {
            foreach (var (unit, cap) in Caps(caps, capsPath, assets, errors))
            {
                limits.Add(new SpendingLimit(scope is null ? name : $"{prefix}.{name}", unit, cap, window, scope));
            }
        }

        AddWindow(budget.PerHour, "PerHour", Join(path, "PerHour"), TimeSpan.FromHours(1));
        AddWindow(budget.PerDay, "PerDay", Join(path, "PerDay"), TimeSpan.FromDays(1));
        AddWindow(budget.PerWeek, "PerWeek", Join(path, "PerWeek"), TimeSpan.FromDays(7));
        AddWindow(budget.PerMonth, "PerMonth", Join(path, "PerMonth"), TimeSpan.FromDays(30));
        AddWindow(budget.Lifetime, "Lifetime", Join(path, "Lifetime"), null);
        for (var i = 0; i < budget.Windows.Count; i++)
        {
            var w = budget.Windows[i];
            var windowPath = Join(path, "Windows", Index(i));
            if (w.Window < TimeSpan.FromSeconds(1))
            {
                var window = Join(windowPath, "Window");
                if (!errors.Exists(e => e.StartsWith(window + " = ", StringComparison.Ordinal)))
                {
                    errors.Add($"{window} must be at least one second."); // unless its value was reported as not a duration
                }

                continue;
            }

            AddWindow(w.Limits, $"Window({w.Window.ToString("c", CultureInfo.InvariantCulture)})", Join(windowPath, "Limits"), w.Window);
        }

        return (perRequest, limits);
    }

    private static List<(string Unit, decimal Cap)> Caps(Dictionary<string, string> caps, string path, AssetRegistry assets, List<string> errors)
    {
        var result = new List<(string, decimal)>();
        foreach (var (unitKey, text) in caps)
        {
            var unit = unitKey.Trim().ToLowerInvariant();
            if (!assets.Units.Contains(unit))
            {
                errors.Add($"{Join(path, unitKey)} names an unknown unit (known: ISO currencies, sat, units of assets rails add, and units of configured Assets).");
                continue;
            }

            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cap))
            {
                errors.Add($"{Join(path, unitKey)} = '{text}' is not a non-negative decimal amount.");
                continue;
            }

            if (cap > 0 && assets.MinorUnit(unit) is { } minor && cap < minor)
            {
                var m = minor.ToString(CultureInfo.InvariantCulture);
                errors.Add($"{Join(path, unitKey)} = '{text}' is less than one minor unit of {unit} ({m}): write at least {m}, or 0 to forbid spending.");
                continue;
            }

            result.Add((unit, cap));
        }

        return result;
    }
}
