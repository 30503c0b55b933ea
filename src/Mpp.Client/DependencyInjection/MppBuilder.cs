using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds payment methods, approvers, observers and a ledger to the Mpp services; rails extend it (<c>.AddTempo()</c>, ...).</summary>
/// <remarks>
/// A rail reads its settings from a subsection of <see cref="Configuration"/> (<c>Mpp:Tempo</c>) which it claims with
/// <see cref="ClaimSection"/>, so that the check for unknown keys under <c>Mpp</c> accepts it, and adds the assets it
/// pays with <see cref="AddAsset"/>.
/// </remarks>
public sealed class MppBuilder
{
    private readonly MppRegistrations _registrations;

    internal MppBuilder(IServiceCollection services)
    {
        Services = services;
        _registrations = MppRegistrations.Of(services);
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The configuration section the Mpp options are bound from (the one given to <c>AddMpp</c> or <c>AddMppPayments</c>,
    /// usually <c>Mpp</c>), or null when they are configured in code only. A rail reads its subsection from it:
    /// <c>builder.Configuration?.GetSection("Tempo")</c>, after <see cref="ClaimSection"/>.
    /// </summary>
    public IConfiguration? Configuration => _registrations.Section;

    /// <summary>
    /// Claims the subsection <paramref name="key"/> of <see cref="Configuration"/> (<c>Mpp:Tempo</c> for <c>Tempo</c>) for a
    /// rail: the check for unknown keys under <c>Mpp</c> accepts it and everything under it, and leaves checking it to the rail.
    /// </summary>
    /// <param name="key">One configuration key (no <c>:</c>) that is not a setting of <see cref="MppOptions"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, has a <c>:</c>, or names a setting of <see cref="MppOptions"/>.</exception>
    public MppBuilder ClaimSection(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.Contains(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is a path; claim one key directly under the Mpp section.", nameof(key));
        }

        if (ConfigurationShape.Mpp.Members.ContainsKey(key))
        {
            throw new ArgumentException($"'{key}' is a setting of MppOptions, not a section a rail can claim.", nameof(key));
        }

        _registrations.ClaimedSections.Add(key);
        return this;
    }

    /// <summary>
    /// Adds an asset the SDK can count, as built-in ones are (USDC on a given chain counted as <c>usd</c>): its amounts
    /// are <paramref name="decimals"/> base units per <paramref name="unit"/>. An entry under <c>Mpp:Assets</c> with the
    /// same key still overrides it. Adding the same asset twice is harmless; two different definitions fail at start.
    /// </summary>
    /// <param name="key">The currency code or token address the challenges name (compared case-insensitively).</param>
    /// <param name="decimals">Base units per <paramref name="unit"/>, as a power of ten (0 to 28).</param>
    /// <param name="unit">The budget unit it counts against (<c>usd</c>), which caps can then name.</param>
    public MppBuilder AddAsset(string key, int decimals, string unit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 28);
        _registrations.AddAsset(new AssetInfo(key.Trim().ToLowerInvariant(), decimals, unit.Trim().ToLowerInvariant()));
        return this;
    }

    /// <summary>Registers a payment method (a wallet) as a singleton; one wallet per method id, checked at start.</summary>
    public MppBuilder AddPaymentMethod<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMethod>()
        where TMethod : class, IPaymentMethod
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPaymentMethod, TMethod>());
        return this;
    }

    /// <summary>Registers a payment method instance.</summary>
    public MppBuilder AddPaymentMethod(IPaymentMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        Services.AddSingleton(method);
        return this;
    }

    /// <summary>Registers an approver; every registered approver must approve each payment.</summary>
    public MppBuilder AddApprover<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TApprover>()
        where TApprover : class, IPaymentApprover
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPaymentApprover, TApprover>());
        return this;
    }

    /// <summary>Registers an approver instance.</summary>
    public MppBuilder AddApprover(IPaymentApprover approver)
    {
        ArgumentNullException.ThrowIfNull(approver);
        Services.AddSingleton(approver);
        return this;
    }

    /// <summary>Registers a payment observer.</summary>
    public MppBuilder AddObserver(IPaymentObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Services.AddSingleton(observer);
        return this;
    }

    /// <summary>
    /// Registers another HTTP payment scheme (e.g. x402): its challenges are paid by the registered methods under the same
    /// policy and budget. The core's <c>Payment</c> scheme is always there and always preferred.
    /// </summary>
    public MppBuilder AddScheme(IHttpPaymentScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        Services.AddSingleton(scheme);
        return this;
    }

    /// <summary>Registers a payer asked before the first send of each paying request (a session's vouchers).</summary>
    public MppBuilder AddPreemptivePayer(IPreemptivePayer payer)
    {
        ArgumentNullException.ThrowIfNull(payer);
        Services.AddSingleton(payer);
        return this;
    }

    /// <summary>Registers a reconciler that looks up payments of its method whose outcome is unknown.</summary>
    public MppBuilder AddReconciler(IPaymentReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        Services.AddSingleton(reconciler);
        return this;
    }

    /// <summary>Replaces the in-memory ledger with one built by <paramref name="factory"/> (a store chosen from configuration, say).</summary>
    public MppBuilder UseLedger(Func<IServiceProvider, IPaymentLedger> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IPaymentLedger>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Replaces the in-memory ledger with <typeparamref name="TLedger"/> (e.g. a durable store).</summary>
    public MppBuilder UseLedger<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TLedger>()
        where TLedger : class, IPaymentLedger
    {
        Services.RemoveAll<IPaymentLedger>();
        Services.AddSingleton<IPaymentLedger, TLedger>();
        return this;
    }
}
