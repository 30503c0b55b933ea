using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Methods;

namespace Mpp.Client.Policy;

/// <summary>
/// Everything checked before anything is paid, all problems at once: registration mistakes, the options and client
/// budgets (<see cref="OptionsInForce"/>), and the wallets. A singleton: resolving it is passing the check. It runs at host
/// start (<see cref="MppStartupValidator"/>), when <c>PaymentHandler.Create</c> builds a handler, and otherwise when the
/// first paying client is created.
/// </summary>
internal sealed class MppStartupCheck
{
    /// <exception cref="OptionsValidationException">Something is wrong (every problem is listed).</exception>
    public MppStartupCheck(MppRegistrations registrations, IEnumerable<IPaymentMethod> methods, Func<OptionsInForce> options)
    {
        var errors = new List<string>(registrations.Errors);
        OptionsInForce? inForce = null;
        try
        {
            inForce = options();
        }
        catch (OptionsValidationException ex)
        {
            errors.AddRange(ex.Failures);
        }

        PaymentMethodCheck.Check(methods, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(MppOptions), errors);
        }

        Options = inForce!;
    }

    /// <summary>The options in force.</summary>
    public OptionsInForce Options { get; }
}
