using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds payment methods, approvers, observers and a ledger to the Mpp services; rails extend it (<c>.AddTempo()</c>, ...).</summary>
public sealed class MppBuilder
{
    internal MppBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers a payment method (a wallet) as a singleton.</summary>
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
