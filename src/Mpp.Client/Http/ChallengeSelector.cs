using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// Chooses which challenges of a 402 may be paid: a registered method pays its method and intent, the challenge names a
/// credential field we support, it has not expired, its terms parse and pass the policy. Candidates are ordered by the
/// configured preference weight, then by server order (core spec § "Client Payment Preferences").
/// </summary>
internal sealed class ChallengeSelector(IReadOnlyDictionary<string, IPaymentMethod> methods, SpendingPolicy policy, TimeProvider time)
{
    public List<(PaymentQuote Quote, IPaymentMethod Method)> Select(
        IReadOnlyList<ChallengeParseResult> parsed,
        Uri requestUri,
        IReadOnlyDictionary<string, decimal>? requestCaps,
        string? clientBudget,
        List<ChallengeRejection> rejections)
    {
        var snapshot = policy.Snapshot;
        var now = time.GetUtcNow();
        var candidates = new List<(PaymentQuote Quote, IPaymentMethod Method, double Weight, int Order)>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var result = parsed[i];
            if (result.Challenge is not { } c)
            {
                rejections.Add(new ChallengeRejection(null, null, null, "Malformed challenge: " + result.Error));
                continue;
            }

            string? reason = null;
            IPaymentMethod? method = null;
            PaymentQuote? quote = null;
            double weight = 1;
            if (c.CredentialHeaderName is null)
            {
                // Core spec § "Credentials": any header value other than Payment-Authorization is an unrecognized challenge.
                reason = $"The challenge selects an unsupported credential field '{c.Header}'.";
            }
            else if (!methods.TryGetValue(c.Method, out method) || !method.Intents.Contains(c.Intent))
            {
                reason = $"No registered payment method pays {c.Method}/{c.Intent}.";
            }
            else if (c.ExpiresAt is { } expires && expires <= now)
            {
                reason = $"The challenge expired at {c.Expires}.";
            }
            else if (snapshot.Preferences.Count > 0 && PaymentPreference.WeightOf(snapshot.Preferences, c.Method, c.Intent) is { } w && w <= 0)
            {
                reason = $"{c.Method}/{c.Intent} has preference q=0.";
            }
            else
            {
                if (snapshot.Preferences.Count > 0)
                {
                    weight = PaymentPreference.WeightOf(snapshot.Preferences, c.Method, c.Intent) ?? 0.001;
                }

                try
                {
                    var terms = method.ReadTerms(c);
                    if (terms.ExpiresAt is { } requestExpires && requestExpires <= now)
                    {
                        reason = $"The payment request expired at {requestExpires:O}.";
                    }
                    else
                    {
                        quote = policy.TryQuote(c, terms, requestUri, clientBudget, out reason);
                        if (quote is not null && requestCaps is not null)
                        {
                            if (!requestCaps.TryGetValue(quote.Unit, out var cap))
                            {
                                reason = $"This request allows payment only in {string.Join(", ", requestCaps.Keys)}, not {quote.Unit}.";
                                quote = null;
                            }
                            else if (quote.DisplayAmount > cap)
                            {
                                reason = $"{quote.DisplayAmount} {quote.Unit} exceeds this request's maximum of {cap} {quote.Unit}.";
                                quote = null;
                            }
                        }
                    }
                }
                catch (MppException ex)
                {
                    reason = "Unreadable payment request: " + ex.Message;
                }
            }

            if (quote is null)
            {
                rejections.Add(new ChallengeRejection(c.Id, c.Method, c.Intent, reason ?? "Not payable."));
                continue;
            }

            candidates.Add((quote, method!, weight, i));
        }

        candidates.Sort(static (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.Order.CompareTo(b.Order));
        return candidates.ConvertAll(static c => (c.Quote, c.Method));
    }
}
