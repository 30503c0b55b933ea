using System.Globalization;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mpp.Client.Diagnostics;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;

namespace Mpp.Client.Payments;

/// <summary>
/// The payment state machine every transport shares (HTTP's <see cref="PaymentHandler"/>, MCP, streams): select →
/// authorize (reserve) → create the credential → send through an <see cref="IPaymentExchange"/> → settle, release, or
/// keep counted as unknown. Bounded rounds, never an open loop. Resolve it from DI (registered by <c>AddMpp</c>).
/// </summary>
/// <remarks>
/// Money is released only on proof: a wallet failure before funds moved, or a payee's "not taken" answer to the first
/// delivery of a credential. Once a credential may have reached the payee (a lost response, a timeout), a later "not
/// taken" proves nothing: the amount stays counted, the outcome is unknown, and no fresh challenge is paid.
/// </remarks>
public sealed class PaymentCoordinator
{
    private readonly Dictionary<string, IPaymentMethod> _methods;
    private readonly SpendingPolicy _policy;
    private readonly IPaymentLedger _ledger;
    private readonly Func<MppOptions> _options;
    private readonly IPaymentObserver[] _observers;
    private readonly MppTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChallengeSelector _selector;

    internal PaymentCoordinator(
        Dictionary<string, IPaymentMethod> methods,
        SpendingPolicy policy,
        IPaymentLedger ledger,
        Func<MppOptions> options,
        IEnumerable<IPaymentObserver> observers,
        MppTelemetry telemetry,
        TimeProvider time,
        ILogger logger)
    {
        _methods = methods;
        _policy = policy;
        _ledger = ledger;
        _options = options;
        _observers = observers.ToArray();
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _selector = new ChallengeSelector(methods, policy, time, logger);
    }

    /// <summary>
    /// The method/intent pairs this payer can pay under the options in force, best first, weighted by
    /// <c>Preferences</c> (as HTTP's <c>Accept-Payment</c>; for a transport's own advertisement, e.g. MCP capabilities).
    /// </summary>
    public IReadOnlyList<PaymentPreference> GetPayableMethods()
    {
        var snapshot = _policy.Snapshot;
        var preferences = snapshot.Preferences;
        var ranges = new List<PaymentPreference>();
        foreach (var m in _methods.Values)
        {
            foreach (var intent in m.Intents)
            {
                var q = preferences.Count == 0 ? 1.0 : PaymentPreference.WeightOf(preferences, m.Method, intent) ?? 0.001;
                if (q > 0 && snapshot.MethodAllowed(m.Method, intent))
                {
                    ranges.Add(new PaymentPreference(m.Method, intent, q));
                }
            }
        }

        ranges.Sort(static (a, b) => b.Q.CompareTo(a.Q));
        return ranges;
    }

    /// <summary>
    /// Evaluates every challenge without paying or reserving: what each would cost, and why any cannot be paid now
    /// (methods, policy, per-request caps, and rolling and lifetime caps as they stand).
    /// </summary>
    public async ValueTask<PaymentSelection> EvaluateAsync(PaymentContext context, IReadOnlyList<ChallengeParseResult> challenges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(challenges);
        var rejections = new List<ChallengeRejection>();
        var candidates = await _selector.SelectAsync(challenges, context.Resource, context.MaxPayment, context.ClientBudget, rejections, cancellationToken).ConfigureAwait(false);
        var payable = new List<PaymentQuote>(candidates.Count);
        foreach (var (quote, _) in candidates)
        {
            if (await _policy.CheckBudgetAsync(quote, context.ClientBudget, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                rejections.Add(refused);
            }
            else
            {
                payable.Add(quote);
            }
        }

        return new PaymentSelection(payable, rejections);
    }

    /// <summary>
    /// Pays one of <paramref name="challenges"/> within policy and sends it through <paramref name="exchange"/>, for up to
    /// <c>MaxPaymentRounds</c> rounds. Never throws for a refusal or a failed payment: the outcome says what happened.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before any credential existed.</exception>
    public async ValueTask<PaymentOutcome> PayAsync(PaymentContext context, IReadOnlyList<ChallengeParseResult> challenges, IPaymentExchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(challenges);
        ArgumentNullException.ThrowIfNull(exchange);
        var outcome = await PayRoundsAsync(context, challenges, exchange, cancellationToken).ConfigureAwait(false);
        await NotifyFailedAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        return outcome;
    }

    private async ValueTask<PaymentOutcome> PayRoundsAsync(PaymentContext context, IReadOnlyList<ChallengeParseResult> challenges, IPaymentExchange exchange, CancellationToken cancellationToken)
    {
        var options = _options();
        var origin = context.Resource.GetLeftPart(UriPartial.Authority);
        var rejections = new List<ChallengeRejection>();
        var rounds = 0;
        PaymentQuote? lastQuote = null;
        var lastProblem = context.Problem;
        using var activity = MppTelemetry.ActivitySource.StartActivity("mpp.payment", ActivityKind.Internal);
        activity?.SetTag("mpp.origin", origin);

        while (true)
        {
            if (rounds >= options.MaxPaymentRounds)
            {
                return Finish(new PaymentOutcome(PaymentStatus.Rejected)
                {
                    Code = MppErrorCode.PaymentRoundsExhausted,
                    Reason = $"The server still asks for payment after {rounds} payment round(s).",
                    Quote = lastQuote,
                    Problem = lastProblem,
                    Rejections = rejections,
                    Rounds = rounds,
                }, origin);
            }

            Log.PaymentRequired(_logger, origin, context.Resource.AbsolutePath, challenges.Count);
            await NotifyChallengesAsync(context.Resource, challenges, cancellationToken).ConfigureAwait(false);
            var roundRejections = new List<ChallengeRejection>();
            var candidates = await _selector.SelectAsync(challenges, context.Resource, context.MaxPayment, context.ClientBudget, roundRejections, cancellationToken).ConfigureAwait(false);
            var chosen = await AuthorizeFirstAsync(candidates, exchange, context, roundRejections, cancellationToken).ConfigureAwait(false);
            foreach (var r in roundRejections)
            {
                Log.ChallengeRejected(_logger, r.ChallengeId, r.Method, r.Intent, r.Reason);
            }

            rejections.AddRange(roundRejections);
            if (chosen is not { } pick)
            {
                var (code, reason) = Summarize(challenges.Count, roundRejections);
                return Finish(new PaymentOutcome(PaymentStatus.Refused) { Code = code, Reason = reason, Problem = lastProblem, Rejections = rejections, Rounds = rounds }, origin);
            }

            var (quote, method, reservationId) = pick;
            lastQuote = quote;
            Log.Paying(_logger, quote.DisplayTotal, quote.Unit, quote.Method, quote.Intent, quote.Challenge.Id, origin);
            activity?.SetTag("mpp.method", quote.Method);
            activity?.SetTag("mpp.intent", quote.Intent);
            activity?.SetTag("mpp.unit", quote.Unit);

            var attempt = new PaymentAttempt(quote, reservationId, _ledger);
            var created = await CreateCredentialAsync(method, attempt, options, cancellationToken).ConfigureAwait(false);
            if (created.Failure is { } failure)
            {
                return Finish(new PaymentOutcome(failure.Status)
                {
                    Code = failure.Code,
                    Reason = failure.Reason,
                    Quote = failure.Quote,
                    MethodError = failure.MethodError,
                    Cause = failure.Cause,
                    Problem = lastProblem,
                    Rejections = rejections,
                    Rounds = rounds,
                }, origin);
            }

            // Not cancellable: between here and the send, a cancelled observer must not strand the reservation.
            await NotifyAsync(static (o, q, ct) => o.OnCredentialCreatedAsync(q, ct), quote, CancellationToken.None).ConfigureAwait(false);
            await _ledger.MarkSentAsync(reservationId, attempt.WalletReference ?? created.Payload!.WalletReference, CancellationToken.None).ConfigureAwait(false);
            rounds++;
            var result = await exchange.SendAsync(created.Credential!, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case PaymentExchangeStatus.Accepted:
                    if (quote.Kind == PaymentKind.Deposit)
                    {
                        // A deposit stays open (sent, counted as locked): the rail that holds the session completes it at
                        // close with what was spent, releasing the rest (PaymentOutcome.LedgerEntryId names it).
                        await _ledger.MarkSentAsync(reservationId, result.Receipt?.Reference ?? attempt.WalletReference, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await _ledger.CompleteAsync(reservationId, LedgerOutcome.Settled, result.Receipt?.Reference, FinalAmount(attempt), CancellationToken.None).ConfigureAwait(false);
                    }

                    await AnsweredAsync(method, attempt, result).ConfigureAwait(false);
                    return await PaidAsync(quote, reservationId, result, rejections, rounds, origin, cancellationToken).ConfigureAwait(false);

                case PaymentExchangeStatus.Rejected:
                    lastProblem = result.Problem;
                    var proven = result.NotTaken && !result.EarlierAttemptAmbiguous && !attempt.FundsMoving;
                    Log.PaymentRejected(_logger, quote.DisplayTotal, quote.Unit, origin, result.Problem?.Status ?? 402, result.Problem?.Type, proven);
                    await _ledger.CompleteAsync(reservationId, proven ? LedgerOutcome.Released : LedgerOutcome.Unknown, null, null, CancellationToken.None).ConfigureAwait(false);
                    await AnsweredAsync(method, attempt, result).ConfigureAwait(false);
                    rejections.Add(ChallengeRejection.Of(quote, MppErrorCode.PaymentRejected, $"The server rejected the credential ({result.Problem?.Type ?? "no problem details"})."));
                    if (proven && result.Problem is { } p && AllowsNewRound(p.Kind) && result.FreshChallenges.Count > 0)
                    {
                        challenges = result.FreshChallenges; // a fresh challenge, paid within the round limit (checked above)
                        continue;
                    }

                    if (!proven)
                    {
                        Log.PaymentUnknown(_logger, quote.DisplayTotal, quote.Unit, origin,
                            result.EarlierAttemptAmbiguous ? "rejected after an earlier attempt may have reached the server" : "rejected without proof the payment was not taken");
                    }

                    return Finish(new PaymentOutcome(proven ? PaymentStatus.Rejected : PaymentStatus.Unknown)
                    {
                        Code = proven ? MppErrorCode.PaymentRejected : MppErrorCode.PaymentOutcomeUnknown,
                        Reason = proven
                            ? $"The server rejected the payment credential ({result.Problem?.Type ?? "no problem details"})."
                            : $"The server rejected the payment credential ({result.Problem?.Type ?? "no problem details"}) without proof that the payment was not taken"
                              + (result.EarlierAttemptAmbiguous ? " (an earlier attempt may have reached it)" : string.Empty) + "; it stays counted.",
                        Quote = quote,
                        Problem = result.Problem,
                        Rejections = rejections,
                        Rounds = rounds,
                    }, origin);

                default:
                    await _ledger.CompleteAsync(reservationId, LedgerOutcome.Unknown, null, null, CancellationToken.None).ConfigureAwait(false);
                    await AnsweredAsync(method, attempt, result).ConfigureAwait(false);
                    Log.PaymentUnknown(_logger, quote.DisplayTotal, quote.Unit, origin, result.Reason ?? "no answer");
                    return Finish(new PaymentOutcome(PaymentStatus.Unknown)
                    {
                        Code = MppErrorCode.PaymentOutcomeUnknown,
                        Reason = $"The paid request got no definite answer ({result.Reason ?? "no answer"}); the payment may have been taken and stays counted.",
                        Quote = quote,
                        Rejections = rejections,
                        Rounds = rounds,
                    }, origin);
            }
        }
    }

    private async ValueTask<(PaymentQuote Quote, IPaymentMethod Method, Guid ReservationId)?> AuthorizeFirstAsync(
        List<(PaymentQuote Quote, IPaymentMethod Method)> candidates, IPaymentExchange exchange, PaymentContext context, List<ChallengeRejection> rejections, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        // The body paid for is the body sent: it must be replayable, and match a challenge's digest.
        var body = await exchange.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (quote, method) in candidates)
        {
            if (quote.Challenge.Digest is { } digest)
            {
                // Core spec § "Request Body Digest Binding": the body resent must match the challenge's digest.
                if (body is not { } b || !ContentDigest.Matches(digest, b.Span))
                {
                    rejections.Add(ChallengeRejection.Of(quote, MppErrorCode.DigestMismatch, "The request body does not match the challenge digest."));
                    continue;
                }
            }

            var auth = await _policy.AuthorizeAsync(quote, context.ClientBudget, cancellationToken).ConfigureAwait(false);
            if (!auth.Approved)
            {
                if (auth.Code == MppErrorCode.ExtensionFailed)
                {
                    Log.ExtensionFailed(_logger, "approver", quote.Challenge.Id, auth.Reason!);
                }

                rejections.Add(ChallengeRejection.Of(quote, auth.Code!.Value, auth.Reason!));
                continue;
            }

            return (quote, method, auth.ReservationId);
        }

        return null;
    }

    private async ValueTask<Created> CreateCredentialAsync(IPaymentMethod method, PaymentAttempt attempt, MppOptions options, CancellationToken cancellationToken)
    {
        var quote = attempt.Quote;
        var wallet = method.GetType().Name;
        using var timeout = new CancellationTokenSource(options.CredentialTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Exception? error = null;
        PaymentPayload? payload = null;
        try
        {
            // Returns when the token fires even if the wallet ignores it.
            payload = await ExtensionCall.WaitAsync(method.CreatePayloadAsync(attempt, linked.Token), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (error is null)
        {
            if (payload is null || payload.Payload.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                error = new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The payment method {wallet} returned a payload that is not a JSON object.");
            }
            else
            {
                try
                {
                    return new Created(Credential.Create(quote.Challenge, payload.Payload, payload.Source), payload, null);
                }
                catch (ArgumentException)
                {
                    error = new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The payment method {wallet} returned a source that is neither a string nor an object.");
                }
            }
        }

        var methodError = error as PaymentMethodException;
        var callerCancelled = error is OperationCanceledException && cancellationToken.IsCancellationRequested;
        var timedOut = !callerCancelled && error is OperationCanceledException && timeout.IsCancellationRequested;
        var marked = attempt.Abandon(); // closes the attempt: a wallet still running can no longer start moving funds
        // Marked funds count as moved unless the wallet proves otherwise (a definitive failure reported by its node).
        var moved = (marked && methodError?.FundsProvenNotMoved != true) || methodError?.FundsMayHaveMoved == true;
        var code = timedOut ? MppErrorCode.CredentialTimeout : methodError?.Code ?? MppErrorCode.CredentialCreationFailed;
        var reason = timedOut
            ? string.Create(CultureInfo.InvariantCulture, $"The payment method {wallet} did not create a credential within {options.CredentialTimeout}.")
            : methodError is not null ? $"The payment method {wallet} failed: {methodError.Message}" : $"The payment method {wallet} failed to create a credential ({error!.GetType().Name}).";
        Log.WalletFailed(_logger, wallet, code, moved, reason);
        await _ledger.CompleteAsync(attempt.ReservationId, moved ? LedgerOutcome.Unknown : LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
        if (callerCancelled)
        {
            // The caller gave up; the reservation is settled above as released (or unknown when funds moved).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error!);
        }

        return new Created(null, null, new PaymentOutcome(moved ? PaymentStatus.Unknown : PaymentStatus.Refused)
        {
            Code = moved ? MppErrorCode.PaymentOutcomeUnknown : code,
            Reason = moved ? reason + " Funds may have moved; the amount stays counted." : reason,
            Quote = quote,
            MethodError = methodError,
            Cause = error,
        });
    }

    private async ValueTask AnsweredAsync(IPaymentMethod method, PaymentAttempt attempt, PaymentExchangeResult result)
    {
        // Bounded like an observer, and never the caller's token: the wallet's bookkeeping (a session's channel) must finish.
        using var bound = new CancellationTokenSource(_options().ObserverTimeout, _time);
        try
        {
            await ExtensionCall.WaitAsync(method.OnAnsweredAsync(attempt, result, bound.Token), bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ObserverFailed(_logger, method.GetType().Name, ex);
        }
    }

    private sealed record Created(Credential? Credential, PaymentPayload? Payload, PaymentOutcome? Failure);

    private decimal? FinalAmount(PaymentAttempt attempt)
    {
        var quote = attempt.Quote;
        if (attempt.ActualFee is not { } fee || quote.Terms.Fee is not { } declared || !_policy.Snapshot.Assets.TryGet(declared.Currency, out var feeAsset))
        {
            return null;
        }

        return SpendingPolicy.TryToDisplay(fee, feeAsset.Decimals, out var displayFee) ? quote.DisplayAmount + displayFee : null;
    }

    private async ValueTask<PaymentOutcome> PaidAsync(PaymentQuote quote, Guid reservationId, PaymentExchangeResult result, List<ChallengeRejection> rejections, int rounds, string origin, CancellationToken cancellationToken)
    {
        if (result.ReceiptError is { } receiptError)
        {
            Log.InvalidReceipt(_logger, origin, receiptError);
        }

        Log.PaymentSucceeded(_logger, quote.DisplayTotal, quote.Unit, quote.Method, quote.Intent, origin, result.Receipt?.Reference);
        var tags = new TagList { { "method", quote.Method }, { "intent", quote.Intent }, { "unit", quote.Unit } };
        _telemetry.Payments.Add(1, tags);
        _telemetry.Amount.Add((double)quote.DisplayAmount, tags);
        var paid = new PaymentOutcome(PaymentStatus.Paid)
        {
            Reason = result.AccessDenied ? "Paid, but the server denied access (403)." : null,
            Quote = quote,
            Receipt = result.Receipt,
            ReceiptError = result.ReceiptError,
            Rejections = rejections,
            Rounds = rounds,
            LedgerEntryId = reservationId,
        };
        await NotifyAsync(static (o, x, ct) => o.OnPaymentSucceededAsync(x.quote, x.receipt, ct), (quote, receipt: result.Receipt), cancellationToken).ConfigureAwait(false);
        return paid;
    }

    private PaymentOutcome Finish(PaymentOutcome outcome, string origin)
    {
        if (outcome.Status == PaymentStatus.Refused)
        {
            Log.PaymentRefused(_logger, outcome.Code!.Value, origin, outcome.Reason!);
        }

        _telemetry.Failures.Add(1, new KeyValuePair<string, object?>("reason", outcome.Code?.ToString() ?? outcome.Status.ToString()),
            new KeyValuePair<string, object?>("method", outcome.Quote?.Method));
        return outcome;
    }

    /// <summary>Tells the observers about an outcome that is neither paid nor quoted.</summary>
    internal ValueTask NotifyFailedAsync(PaymentOutcome outcome, CancellationToken cancellationToken) =>
        outcome.Status is PaymentStatus.Paid or PaymentStatus.Quoted ? default : NotifyAsync(static (o, x, ct) => o.OnPaymentFailedAsync(x, ct), outcome, cancellationToken);

    internal static (MppErrorCode Code, string Reason) Summarize(int challengeCount, IReadOnlyList<ChallengeRejection> rejections)
    {
        if (challengeCount == 0)
        {
            return (MppErrorCode.NoPayableChallenge, "The 402 response carries no Payment challenge.");
        }

        // The most telling refusal: one that a wallet could have paid but policy, budget, approver or digest stopped.
        var code = MppErrorCode.NoPayableChallenge;
        foreach (var r in rejections)
        {
            if (r.Code is not (MppErrorCode.NoPayableChallenge or MppErrorCode.InvalidChallenge))
            {
                code = r.Code;
                break;
            }
        }

        var prefix = code switch
        {
            MppErrorCode.BudgetExceeded => "A budget cap refused the payment: ",
            MppErrorCode.ApprovalDenied => "The payment was not approved: ",
            _ => "No challenge can be paid: ",
        };
        return (code, prefix + string.Join("; ", rejections.Select(static r => r.Reason)));
    }

    private static bool AllowsNewRound(PaymentProblemType kind) =>
        kind is PaymentProblemType.VerificationFailed or PaymentProblemType.InvalidChallenge
            or PaymentProblemType.MalformedCredential or PaymentProblemType.PaymentExpired;

    private async Task NotifyChallengesAsync(Uri uri, IReadOnlyList<ChallengeParseResult> parsed, CancellationToken cancellationToken)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var challenges = parsed.Where(p => p.Challenge is not null).Select(p => p.Challenge!).ToArray();
        await NotifyAsync(static (o, x, ct) => o.OnChallengeReceivedAsync(x.uri, x.challenges, ct), (uri, challenges: (IReadOnlyList<Challenge>)challenges), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask NotifyAsync<TState>(Func<IPaymentObserver, TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var timeout = _options().ObserverTimeout;
        foreach (var observer in _observers)
        {
            // Bounded: an observer that hangs (and ignores its token) is left behind, never holding the payment.
            using var bound = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
            try
            {
                await ExtensionCall.WaitAsync(call(observer, state, linked.Token), linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }
}
