using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mpp.Client.Diagnostics;

namespace Mpp.Client.Policy;

/// <summary>
/// The options in force: the last valid <see cref="MppOptions"/> and client budgets, compiled, which the policy and the
/// payment flow read. They are validated when this is built, every problem at once (an <see cref="OptionsValidationException"/>).
/// After that, a change is validated and swapped in only when valid; an invalid one is logged once (every problem listed)
/// and counted, and the last valid options stay in force, so a bad edit of a watched file never stops traffic, free or paid.
/// </summary>
/// <remarks>
/// Changes arrive through the source monitors' <c>OnChange</c> (options bound from configuration, in DI), or, for monitors
/// supplied by a caller of <see cref="SpendingPolicy"/>'s public constructor, by comparing their current value on each read.
/// As an <see cref="IOptionsMonitor{TOptions}"/> it only ever shows the options in force.
/// </remarks>
internal sealed class OptionsInForce : IOptionsMonitor<MppOptions>, IDisposable
{
    private const string MppOptionsTag = "MppOptions";
    private const string BudgetOptionsTag = "BudgetOptions";

    private readonly IOptionsMonitor<MppOptions> _options;
    private readonly IOptionsMonitor<BudgetOptions>? _budgets;
    private readonly MppRegistrations? _registrations;
    private readonly MppTelemetry? _telemetry;
    private readonly ILogger _logger;
    private readonly bool _poll;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private readonly IDisposable? _optionsChanges;
    private readonly IDisposable? _budgetChanges;
    private volatile State? _state;
    private Action<MppOptions, string?>? _listeners;

    /// <summary>Builds the options in force from DI's monitors, validating them now; later changes arrive through <c>OnChange</c>.</summary>
    /// <exception cref="OptionsValidationException">The options or a client budget are invalid (every problem is listed).</exception>
    public OptionsInForce(
        IOptionsMonitor<MppOptions> options,
        IOptionsMonitor<BudgetOptions>? budgets,
        MppRegistrations? registrations,
        MppTelemetry? telemetry,
        ILogger? logger)
        : this(options, budgets, registrations, telemetry, logger, poll: false)
    {
    }

    private OptionsInForce(
        IOptionsMonitor<MppOptions> options,
        IOptionsMonitor<BudgetOptions>? budgets,
        MppRegistrations? registrations,
        MppTelemetry? telemetry,
        ILogger? logger,
        bool poll)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _budgets = budgets;
        _registrations = registrations;
        _telemetry = telemetry;
        _logger = logger ?? NullLogger.Instance;
        _poll = poll;
        if (!poll)
        {
            // Subscribed before the first read so that no change is missed; a change waits for the lock, held until built.
            _optionsChanges = options.OnChange((_, name) => OnOptionsChanged(name));
            _budgetChanges = budgets?.OnChange((_, name) => OnBudgetChanged(name));
        }

        try
        {
            lock (_gate)
            {
                Refresh(initial: true);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The options in force, compiled.</summary>
    public PolicySnapshot Snapshot
    {
        get
        {
            var state = _state!;
            if (_poll && !ReferenceEquals(TryRead(() => _options.CurrentValue), state.SeenOptions))
            {
                lock (_gate)
                {
                    Reload();
                    state = _state!;
                }
            }

            return state.Snapshot;
        }
    }

    /// <inheritdoc />
    public MppOptions CurrentValue => Snapshot.Source;

    /// <summary>
    /// Wraps monitors a caller supplied (<see cref="SpendingPolicy"/>'s public constructor): validated now, and re-read on
    /// each use, a changed value applied only when valid.
    /// </summary>
    /// <exception cref="OptionsValidationException">The current options are invalid (every problem is listed).</exception>
    public static OptionsInForce Watch(IOptionsMonitor<MppOptions> options, IOptionsMonitor<BudgetOptions>? budgets) =>
        new(options, budgets, null, null, null, poll: true);

    /// <inheritdoc />
    public MppOptions Get(string? name) => CurrentValue;

    /// <inheritdoc />
    public IDisposable OnChange(Action<MppOptions, string?> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners += listener;
        }

        return new Subscription(this, listener);
    }

    /// <summary>
    /// The budget of client <paramref name="name"/> in force. A client not registered at start (a name given to
    /// <see cref="SpendingPolicy.TryQuote"/>) is
    /// compiled against <paramref name="snapshot"/> on first use.
    /// </summary>
    /// <exception cref="OptionsValidationException">The budget of a client met for the first time is invalid.</exception>
    public ClientBudget? GetClientBudget(string name, PolicySnapshot snapshot)
    {
        if (_budgets is null)
        {
            return null;
        }

        var state = _state!;
        if (state.Clients.TryGetValue(name, out var budget)
            && (!_poll || ReferenceEquals(TryRead(() => _budgets.Get(name)), state.SeenBudgets[name])))
        {
            return budget;
        }

        lock (_gate)
        {
            state = _state!;
            if (!state.Clients.ContainsKey(name))
            {
                var source = _budgets.Get(name);
                var errors = new List<string>();
                var compiled = ClientBudget.Compile(name, source, snapshot, ClientPath(name), errors);
                if (errors.Count > 0)
                {
                    throw new OptionsValidationException(name, typeof(BudgetOptions), errors);
                }

                _state = state.With(name, compiled, source);
            }
            else
            {
                Reload();
            }

            return _state!.Clients[name];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optionsChanges?.Dispose();
        _budgetChanges?.Dispose();
    }

    private static T? TryRead<T>(Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (OptionsValidationException)
        {
            return null; // a validator of the caller's failed: nothing new to apply
        }
    }

    private string OptionsPath => _registrations?.Path ?? MppOptions.SectionName;

    private string ClientPath(string name) => _registrations?.ClientPath(name) ?? ClientBudget.CodePath(name);

    private void OnOptionsChanged(string? name)
    {
        if (name is null || name == Options.DefaultName)
        {
            OnChanged();
        }
    }

    private void OnBudgetChanged(string? name)
    {
        if (name is not null && _state is { } state && state.Clients.ContainsKey(name))
        {
            OnChanged();
        }
    }

    private void OnChanged()
    {
        MppOptions? changed = null;
        Action<MppOptions, string?>? listeners;
        lock (_gate)
        {
            var before = _state;
            if (before is null)
            {
                return; // building failed; nothing is in force
            }

            Reload();
            listeners = _listeners;
            if (!ReferenceEquals(before.Snapshot, _state!.Snapshot))
            {
                changed = _state.Snapshot.Source;
            }
        }

        if (changed is not null)
        {
            listeners?.Invoke(changed, Options.DefaultName);
        }
    }

    /// <summary>Applies a change: <see cref="Refresh"/>, where even options that cannot be read are only rejected. Called under the lock.</summary>
    private void Reload()
    {
        try
        {
            Refresh(initial: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Options a validator cannot even read (a list set to null in code): rejected like any invalid change.
            Report([(OptionsPath, MppOptionsTag, [$"{OptionsPath} could not be read ({ex.GetType().Name}: {ex.Message})."])]);
        }
    }

    /// <summary>
    /// Re-reads every source and applies what is valid: the shared options when they and every client budget in force fit
    /// together, each client budget when it fits the shared options in force. Called under the lock.
    /// </summary>
    private void Refresh(bool initial)
    {
        var current = _state;
        var problems = new List<(string Section, string Kind, List<string> Errors)>();
        var raw = initial ? _options.CurrentValue : TryRead(() => _options.CurrentValue) ?? current!.SeenOptions;
        List<string> optionsErrors = [];
        var candidate = current is not null && ReferenceEquals(raw, current.Snapshot.Source)
            ? current.Snapshot // unchanged (a client budget changed): the compiled options are kept, with their caches
            : PolicySnapshot.Compile(raw, OptionsPath, _registrations?.Assets, out optionsErrors);

        State? next = null;
        if (optionsErrors.Count == 0 || current is null) // at start, client budgets are checked even when the options are not
        {
            next = CompileClients(candidate, raw, current, problems, out var breaking);
            if (breaking.Count > 0)
            {
                // The new shared options would invalidate a client budget in force (a unit it caps is gone).
                optionsErrors.AddRange(breaking);
                next = null;
                problems.Clear();
            }
        }

        if (next is null && current is not null)
        {
            next = CompileClients(current.Snapshot, raw, current, problems, out _);
        }

        if (optionsErrors.Count > 0)
        {
            problems.Insert(0, (OptionsPath, MppOptionsTag, optionsErrors));
        }

        if (initial)
        {
            if (problems.Count > 0)
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(MppOptions), problems.SelectMany(p => p.Errors));
            }

            _state = next;
            return;
        }

        _state = next;
        Report(problems);
    }

    /// <summary>
    /// Compiles every client budget against <paramref name="snapshot"/>: its current source when valid, else the one in
    /// force (its problems are added). <paramref name="breaking"/> lists clients neither of which fits.
    /// </summary>
    private State CompileClients(PolicySnapshot snapshot, MppOptions raw, State? current, List<(string, string, List<string>)> problems, out List<string> breaking)
    {
        breaking = [];
        var clients = new Dictionary<string, ClientBudget>(StringComparer.Ordinal);
        var seen = new Dictionary<string, BudgetOptions>(StringComparer.Ordinal);
        if (_budgets is not null)
        {
            IEnumerable<string> names = _registrations?.Clients ?? [];
            if (current is not null)
            {
                names = names.Union(current.Clients.Keys, StringComparer.Ordinal);
            }

            foreach (var name in names)
            {
                var source = (current is null ? _budgets.Get(name) : TryRead(() => _budgets.Get(name))) ?? current!.Clients[name].Source;
                seen[name] = source;
                var path = ClientPath(name);
                var errors = new List<string>();
                var compiled = ClientBudget.Compile(name, source, snapshot, path, errors);
                if (errors.Count == 0)
                {
                    clients[name] = compiled;
                    continue;
                }

                if (current is not null && current.Clients.TryGetValue(name, out var inForce))
                {
                    // The source is rejected; the budget in force stays, as long as it fits these shared options.
                    var inForceErrors = new List<string>();
                    var kept = ClientBudget.Compile(name, inForce.Source, snapshot, path, inForceErrors);
                    if (inForceErrors.Count == 0)
                    {
                        clients[name] = kept;
                        problems.Add((path, BudgetOptionsTag, errors));
                        continue;
                    }

                    breaking.AddRange(errors);
                    continue;
                }

                problems.Add((path, BudgetOptionsTag, errors));
            }
        }

        return new State(snapshot, clients, raw, seen);
    }

    /// <summary>Logs and counts each rejected change once: a file watcher's repeated events, or an unrelated change, do not repeat it.</summary>
    private void Report(List<(string Section, string Kind, List<string> Errors)> problems)
    {
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (section, kind, errors) in problems)
        {
            rejected.Add(section);
            var text = string.Join(" | ", errors);
            if (_reported.TryGetValue(section, out var last) && last == text)
            {
                continue;
            }

            _reported[section] = text;
            Log.ConfigurationRejected(_logger, section, errors.Count, text);
            _telemetry?.ConfigurationRejected.Add(1, new KeyValuePair<string, object?>("options", kind));
        }

        foreach (var section in _reported.Keys.Where(s => !rejected.Contains(s)).ToList())
        {
            _reported.Remove(section);
            Log.ConfigurationApplied(_logger, section);
        }
    }

    private sealed class State(PolicySnapshot snapshot, Dictionary<string, ClientBudget> clients, MppOptions seenOptions, Dictionary<string, BudgetOptions> seenBudgets)
    {
        public PolicySnapshot Snapshot { get; } = snapshot;

        public Dictionary<string, ClientBudget> Clients { get; } = clients;

        /// <summary>The options last read from the source (valid or not), to notice a change by reference when polling.</summary>
        public MppOptions SeenOptions { get; } = seenOptions;

        public Dictionary<string, BudgetOptions> SeenBudgets { get; } = seenBudgets;

        public State With(string name, ClientBudget budget, BudgetOptions source) =>
            new(Snapshot, new(Clients, StringComparer.Ordinal) { [name] = budget }, SeenOptions, new(SeenBudgets, StringComparer.Ordinal) { [name] = source });
    }

    private sealed class Subscription(OptionsInForce owner, Action<MppOptions, string?> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._listeners -= listener;
            }
        }
    }
}
