using System.Globalization;
using Microsoft.Extensions.Logging;
using Mpp.Client.Diagnostics;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// Chooses which challenges may be paid: a registered method pays its method and intent, the challenge names a credential
/// field we support, it has not expired, its terms read and pass the policy and the per-request caps. Candidates are
/// ordered by the configured preference weight, then by server order (core spec § "Client Payment Preferences").
/// </summary>
internal sealed class ChallengeSelector(IReadOnlyDictionary<string, IPaymentMethod> methods, SpendingPolicy policy, TimeProvider time, ILogger logger)
{
    public async ValueTask<List<(PaymentQuote Quote, IPaymentMethod Method)>> SelectAsync(
        IReadOnlyList<ChallengeParseResult> parsed,
        Uri resource,
        IReadOnlyDictionary<string, decimal>? requestCaps,
        string? clientBudget,
        List<ChallengeRejection> rejections,
        CancellationToken cancellationToken)
    {
        var snapshot = policy.Snapshot;
        var now = time.GetUtcNow();
        var candidates = new List<(PaymentQuote Quote, IPaymentMethod Method, double Weight, int Order)>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var result = parsed[i];
            if (result.Challenge is not { } c)
            {
                rejections.Add(new ChallengeRejection(MppErrorCode.InvalidChallenge, "Malformed challenge: " + result.Error));
                continue;
            }

            ChallengeRejection Reject(MppErrorCode code, string reason) => ChallengeRejection.Of(c, code, reason);
            IPaymentMethod? method = null;
            ChallengeRejection? rejection = null;
            double weight = 1;
            if (c.CredentialHeaderName is null)
            {
                // Core spec § "Credentials": any header value other than Payment-Authorization is an unrecognized challenge.
                rejection = Reject(MppErrorCode.NoPayableChallenge, $"The challenge selects an unsupported credential field '{c.Header}'.");
            }
            else if (!methods.TryGetValue(c.Method, out method) || !method.Intents.Contains(c.Intent))
            {
                rejection = Reject(MppErrorCode.NoPayableChallenge, $"No registered payment method pays {c.Method}/{c.Intent}.");
            }
            else if (c.ExpiresAt is { } expires && expires <= now)
            {
                rejection = Reject(MppErrorCode.NoPayableChallenge, $"The challenge expired at {c.Expires}.");
            }
            else if (snapshot.Preferences.Count > 0 && PaymentPreference.WeightOf(snapshot.Preferences, c.Method, c.Intent) is { } w && w <= 0)
            {
                rejection = Reject(MppErrorCode.PolicyRefused, $"{c.Method}/{c.Intent} has preference q=0.");
            }

            if (rejection is null)
            {
                if (snapshot.Preferences.Count > 0)
                {
                    weight = PaymentPreference.WeightOf(snapshot.Preferences, c.Method, c.Intent) ?? 0.001;
                }

                var (quote, refused) = await QuoteAsync(c, method!, resource, requestCaps, clientBudget, now, cancellationToken).ConfigureAwait(false);
                if (quote is not null)
                {
                    candidates.Add((quote, method!, weight, i));
                    continue;
                }

                rejection = refused;
            }

            rejections.Add(rejection!);
        }

        candidates.Sort(static (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.Order.CompareTo(b.Order));
        return candidates.ConvertAll(static c => (c.Quote, c.Method));
    }

    private async ValueTask<(PaymentQuote? Quote, ChallengeRejection? Rejection)> QuoteAsync(
        Challenge c, IPaymentMethod method, Uri resource, IReadOnlyDictionary<string, decimal>? requestCaps, string? clientBudget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ChallengeRejection Reject(MppErrorCode code, string reason, PaymentQuote? quote = null) => ChallengeRejection.Of(c, code, reason, quote);
        PaymentTerms? terms;
        try
        {
            terms = await ExtensionCall.WaitAsync(method.ReadTermsAsync(c, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (MppException ex) when (ex.Code is MppErrorCode.PolicyRefused or MppErrorCode.BudgetExceeded)
        {
            // The wallet read the terms and refuses them (an escrow it does not trust, a deposit above its own cap).
            return (null, Reject(ex.Code, ex.Message));
        }
        catch (MppException ex)
        {
            return (null, Reject(MppErrorCode.InvalidChallenge, "Unreadable payment request: " + ex.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A wallet's own bug must not escape as a raw exception; its message may hold anything, so only the type is reported.
            Log.ExtensionFailed(logger, method.GetType().Name + ".ReadTerms", c.Id, ex.GetType().Name);
            return (null, Reject(MppErrorCode.ExtensionFailed, $"The payment method {method.GetType().Name} failed to read the terms ({ex.GetType().Name})."));
        }

        if (terms is null)
        {
            return (null, Reject(MppErrorCode.ExtensionFailed, $"The payment method {method.GetType().Name} returned no terms."));
        }

        if (terms.ExpiresAt is { } requestExpires && requestExpires <= now)
        {
            return (null, Reject(MppErrorCode.NoPayableChallenge, $"The payment request expired at {requestExpires:O}."));
        }

        var quote = policy.TryQuote(c, terms, resource, clientBudget, out var rejection);
        if (quote is null)
        {
            return (null, rejection);
        }

        if (requestCaps is not null)
        {
            if (!requestCaps.TryGetValue(quote.Unit, out var cap))
            {
                return (null, Reject(MppErrorCode.BudgetExceeded, $"This request allows payment only in {string.Join(", ", requestCaps.Keys)}, not {quote.Unit}.", quote));
            }

            if (quote.Kind == PaymentKind.Charge && quote.DisplayTotal > cap)
            {
                return (null, Reject(MppErrorCode.BudgetExceeded, string.Create(CultureInfo.InvariantCulture, $"{quote.DisplayTotal} {quote.Unit} exceeds this request's maximum (SetMaxPayment) of {cap} {quote.Unit}."), quote));
            }
        }

        return (quote, null);
    }
}
