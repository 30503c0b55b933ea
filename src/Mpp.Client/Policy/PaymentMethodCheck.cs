using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Policy;

/// <summary>
/// Checks the registered wallets at start: each names a valid method id and valid intents, and one method is paid by one
/// wallet (the flow keeps one wallet per method, so a second would be ignored without a word).
/// </summary>
internal static class PaymentMethodCheck
{
    public static void Check(IEnumerable<IPaymentMethod> methods, List<string> errors)
    {
        var byMethod = new Dictionary<string, IPaymentMethod>(StringComparer.Ordinal);
        var checkedOnce = new HashSet<IPaymentMethod>(ReferenceEqualityComparer.Instance);
        foreach (var method in methods)
        {
            if (!checkedOnce.Add(method))
            {
                continue; // the same instance registered twice is one wallet
            }

            var type = NameOf(method);
            var id = method.Method;
            if (id is null || !Challenge.IsExtendedMethodId(id))
            {
                errors.Add($"Payment method {type} has the method id '{id}', which is not a valid payment method identifier.");
                continue;
            }

            foreach (var intent in method.Intents ?? [])
            {
                if (intent is null || !Challenge.IsIntent(intent))
                {
                    errors.Add($"Payment method {type} declares the intent '{intent}', which is not a valid intent.");
                }
            }

            if (byMethod.TryGetValue(id, out var first))
            {
                errors.Add($"Payment methods {NameOf(first)} and {type} both pay method '{id}'. Register one wallet per method.");
                continue;
            }

            byMethod[id] = method;
        }
    }

    private static string NameOf(IPaymentMethod method) => method.GetType().FullName ?? method.GetType().Name;
}
