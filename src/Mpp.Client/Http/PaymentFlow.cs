using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Diagnostics;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Mpp.Client.Http;

/// <summary>
/// The 402 state machine behind <see cref="PaymentHandler"/>: parse, select, authorize (reserve), create the credential,
/// resend with transient retries, and settle or release. Bounded rounds; never an open loop.
/// </summary>
internal sealed class PaymentFlow
{
    private const int MaxProblemBytes = 64 * 1024;

    private readonly Dictionary<string, IPaymentMethod> _methods;
    private readonly SpendingPolicy _policy;
    private readonly IPaymentLedger _ledger;
    private readonly IOptionsMonitor<MppOptions> _options;
    private readonly IPaymentObserver[] _observers;
    private readonly MppTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChallengeSelector _selector;
    private CompiledOptions? _cache;

    public PaymentFlow(
        IEnumerable<IPaymentMethod> methods,
        SpendingPolicy policy,
        IPaymentLedger ledger,
        IOptionsMonitor<MppOptions> options,
        IEnumerable<IPaymentObserver> observers,
        MppTelemetry telemetry,
        TimeProvider time,
        ILogger<PaymentHandler> logger)
    {
        _methods = new Dictionary<string, IPaymentMethod>(StringComparer.Ordinal);
        foreach (var m in methods)
        {
            _methods.TryAdd(m.Method, m); // the first registration of a method wins
        }

        _policy = policy;
        _ledger = ledger;
        _options = options;
        _observers = observers.ToArray();
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _selector = new ChallengeSelector(_methods, policy, time);
    }

    public MppOptions Options => _options.CurrentValue;

    /// <summary>
    /// The <c>Accept-Payment</c> value to send to <paramref name="uri"/>, or null. When <c>AllowedHosts</c> is set, only
    /// those hosts learn that this client can pay (and how).
    /// </summary>
    /// <param name="uri">Where the request goes.</param>
    /// <param name="options">The current options, read once for the whole request.</param>
    public string? AcceptPaymentFor(Uri uri, out MppOptions options)
    {
        var current = Current();
        options = current.Options;
        var accept = current.AcceptPayment;
        return accept is null || options.AllowedHosts.Count == 0 || _policy.Snapshot.HostAllowed(uri.Host) ? accept : null;
    }

    public async Task<HttpResponseMessage> PayAsync(
        HttpRequestMessage request,
        HttpResponseMessage response,
        Uri originalUri,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        string? clientBudget,
        CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var mode = request.GetPaymentMode();
        var rejections = new List<ChallengeRejection>();
        var rounds = 0;
        PaymentQuote? lastQuote = null;
        PaymentProblem? lastProblem = null;
        string? idempotencyKey = null;
        using var activity = MppTelemetry.ActivitySource.StartActivity("mpp.payment", ActivityKind.Internal);
        _telemetry.Challenges.Add(1);

        while (true)
        {
            var uri = request.RequestUri ?? originalUri;
            var origin = uri.GetLeftPart(UriPartial.Authority);
            activity?.SetTag("mpp.origin", origin);

            // Money stays with the origin the caller asked for: a challenge reached through a redirect to another origin is not paid.
            if (!SameOrigin(uri, originalUri))
            {
                return await RefuseAsync(request, response, MppErrorCode.CrossOriginRefused,
                    $"Refusing to send payment credential across redirect from {originalUri.GetLeftPart(UriPartial.Authority)} to {origin}.",
                    null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            var parsed = ChallengeParser.Parse(response);
            Log.PaymentRequired(_logger, origin, uri.AbsolutePath, parsed.Count);
            await NotifyChallengesAsync(uri, parsed, cancellationToken).ConfigureAwait(false);

            // Core spec § "Transport Security": never a credential over plain HTTP, loopback and explicit opt-in aside.
            if (!IsSecureEnough(uri, options))
            {
                return await RefuseAsync(request, response, MppErrorCode.InsecureTransport,
                    $"Refusing to send a payment credential over plain HTTP to {uri.Host} (set AllowInsecureHttp to allow).",
                    null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            if (rounds >= options.MaxPaymentRounds)
            {
                return await FinishAsync(request, response, PaymentStatus.Rejected, MppErrorCode.PaymentRoundsExhausted,
                    $"The server still asks for payment after {rounds} payment round(s).", lastQuote, null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            var roundRejections = new List<ChallengeRejection>();
            var candidates = _selector.Select(parsed, uri, request.Options.TryGetValue(MppRequestOptions.MaxPayment, out var caps) ? caps : null, clientBudget, roundRejections);
            foreach (var r in roundRejections)
            {
                Log.ChallengeRejected(_logger, r.ChallengeId, r.Method, r.Intent, r.Reason);
            }

            rejections.AddRange(roundRejections);
            if (candidates.Count == 0)
            {
                return await RefuseAsync(request, response, MppErrorCode.NoPayableChallenge,
                    parsed.Count == 0 ? "The 402 response carries no Payment challenge." : "No challenge can be paid: " + string.Join("; ", roundRejections.Select(r => r.Reason)),
                    null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            if (mode == PaymentMode.QuoteOnly)
            {
                return await FinishAsync(request, response, PaymentStatus.Quoted, null, null, candidates[0].Quote, null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            // The body paid for is the body sent: it must be replayable, and match the challenge's digest.
            var body = await RequestBody.PrepareAsync(request, cancellationToken).ConfigureAwait(false);

            PaymentQuote? quote = null;
            IPaymentMethod? method = null;
            PaymentAuthorization? authorization = null;
            MppErrorCode refusalCode = MppErrorCode.NoPayableChallenge;
            var refusals = new List<string>();
            foreach (var (candidate, candidateMethod) in candidates)
            {
                if (candidate.Challenge.Digest is { } digest && !ContentDigest.Matches(digest, body.Span))
                {
                    // Core spec § "Request Body Digest Binding": the body resent must match the challenge's digest.
                    refusals.Add("The request body does not match the challenge digest.");
                    Reject(rejections, candidate, refusals[^1]);
                    refusalCode = MppErrorCode.DigestMismatch;
                    continue;
                }

                var auth = await _policy.AuthorizeAsync(candidate, clientBudget, cancellationToken).ConfigureAwait(false);
                if (!auth.Approved)
                {
                    refusals.Add(auth.Reason!);
                    Reject(rejections, candidate, auth.Reason!);
                    refusalCode = auth.Code!.Value;
                    continue;
                }

                (quote, method, authorization) = (candidate, candidateMethod, auth);
                break;
            }

            if (quote is null || method is null || authorization is null)
            {
                return await RefuseAsync(request, response, refusalCode,
                    "No challenge can be paid: " + string.Join("; ", refusals),
                    null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            lastQuote = quote;
            Log.Paying(_logger, quote.DisplayAmount, quote.Unit, quote.Method, quote.Intent, quote.Challenge.Id, origin);
            activity?.SetTag("mpp.method", quote.Method);
            activity?.SetTag("mpp.intent", quote.Intent);
            activity?.SetTag("mpp.unit", quote.Unit);

            string headerValue;
            try
            {
                var payload = await method.CreatePayloadAsync(quote, cancellationToken).ConfigureAwait(false);
                headerValue = Credential.Create(quote.Challenge, payload.Payload, payload.Source).ToHeaderValue();
            }
            catch (Exception ex)
            {
                await _ledger.CompleteAsync(authorization.ReservationId, LedgerOutcome.Released, null, CancellationToken.None).ConfigureAwait(false);
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new PaymentException(MppErrorCode.CredentialCreationFailed,
                    $"The {quote.Method} payment method failed to create a credential: {ex.GetType().Name}.", null, ex);
            }

            // Not cancellable: between here and the send, a cancelled observer must not strand the reservation.
            await NotifyAsync(static (o, q, ct) => o.OnCredentialCreatedAsync(q, ct), quote, CancellationToken.None).ConfigureAwait(false);
            SetCredential(request, quote.Challenge.CredentialHeaderName!, headerValue);
            if (RequiresIdempotencyKey(request.Method) && !request.Headers.Contains("Idempotency-Key"))
            {
                idempotencyKey ??= Guid.NewGuid().ToString("N");
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            }

            response.Dispose();
            rounds++;
            await _ledger.MarkSentAsync(authorization.ReservationId, CancellationToken.None).ConfigureAwait(false);
            try
            {
                response = await SendPaidAsync(request, send, origin, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await _ledger.CompleteAsync(authorization.ReservationId, LedgerOutcome.Unknown, null, CancellationToken.None).ConfigureAwait(false);
                Log.PaymentUnknown(_logger, quote.DisplayAmount, quote.Unit, origin, ex.GetType().Name);
                _telemetry.Failures.Add(1, new KeyValuePair<string, object?>("reason", "unknown"), new KeyValuePair<string, object?>("method", quote.Method));
                var unknown = new PaymentOutcome(PaymentStatus.Unknown, MppErrorCode.PaymentRejected, "The paid request failed: " + ex.GetType().Name, quote, null, null, rejections, rounds);
                request.Options.Set(MppRequestOptions.Outcome, unknown);
                await NotifyAsync(static (o, x, ct) => o.OnPaymentFailedAsync(x, ct), unknown, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                RemoveCredential(request);
            }

            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                var receipt = ReadReceipt(response, origin);
                await _ledger.CompleteAsync(authorization.ReservationId, LedgerOutcome.Settled, receipt?.Reference, CancellationToken.None).ConfigureAwait(false);
                Log.PaymentSucceeded(_logger, quote.DisplayAmount, quote.Unit, quote.Method, quote.Intent, origin, receipt?.Reference);
                var tags = new TagList { { "method", quote.Method }, { "intent", quote.Intent }, { "unit", quote.Unit } };
                _telemetry.Payments.Add(1, tags);
                _telemetry.Amount.Add((double)quote.DisplayAmount, tags);
                var paid = new PaymentOutcome(PaymentStatus.Paid, null, null, quote, receipt, null, rejections, rounds);
                request.Options.Set(MppRequestOptions.Outcome, paid);
                await NotifyAsync(static (o, x, ct) => o.OnPaymentSucceededAsync(x.quote, x.receipt, ct), (quote, receipt), cancellationToken).ConfigureAwait(false);
                return response;
            }

            if (response.StatusCode == HttpStatusCode.PaymentRequired)
            {
                lastProblem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);

                // Only the origin that received the credential can prove it did not take the payment: a 402 reached
                // through a redirect to another origin proves nothing, and the amount stays counted.
                var answeredByPayee = request.RequestUri is { } answeredBy && SameOrigin(answeredBy, uri);
                var notTaken = answeredByPayee && lastProblem?.PaymentNotTaken == true;
                Log.PaymentRejected(_logger, quote.DisplayAmount, quote.Unit, origin, status, lastProblem?.Type, notTaken);
                await _ledger.CompleteAsync(authorization.ReservationId, notTaken ? LedgerOutcome.Released : LedgerOutcome.Unknown, null, CancellationToken.None).ConfigureAwait(false);
                Reject(rejections, quote, $"The server rejected the credential ({lastProblem?.Type ?? "no problem details"}).");
                if (notTaken && AllowsNewRound(lastProblem!.Kind) && rounds < options.MaxPaymentRounds)
                {
                    continue; // a fresh challenge, paid within the round limit
                }

                return await FinishAsync(request, response, notTaken ? PaymentStatus.Rejected : PaymentStatus.Unknown, MppErrorCode.PaymentRejected,
                    $"The server rejected the payment credential ({lastProblem?.Type ?? "no problem details"}).", quote, null, lastProblem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
            }

            // 403 after a credential: the payment was valid and policy denied access (core spec § "Status Codes"): money moved.
            // Anything else: the outcome is unknown and the amount stays counted.
            var forbidden = response.StatusCode == HttpStatusCode.Forbidden;
            await _ledger.CompleteAsync(authorization.ReservationId, forbidden ? LedgerOutcome.Settled : LedgerOutcome.Unknown, null, CancellationToken.None).ConfigureAwait(false);
            if (!forbidden)
            {
                Log.PaymentUnknown(_logger, quote.DisplayAmount, quote.Unit, origin, $"status {status}");
            }

            var other = new PaymentOutcome(forbidden ? PaymentStatus.Paid : PaymentStatus.Unknown, forbidden ? null : MppErrorCode.PaymentRejected,
                forbidden ? "Paid, but the server denied access (403)." : $"The paid request answered {status}; the payment outcome is unknown.", quote, null, null, rejections, rounds);
            request.Options.Set(MppRequestOptions.Outcome, other);
            if (!forbidden)
            {
                await NotifyAsync(static (o, x, ct) => o.OnPaymentFailedAsync(x, ct), other, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
    }

    private static bool AllowsNewRound(PaymentProblemType kind) =>
        kind is PaymentProblemType.VerificationFailed or PaymentProblemType.InvalidChallenge
            or PaymentProblemType.MalformedCredential or PaymentProblemType.PaymentExpired;

    private static void Reject(List<ChallengeRejection> rejections, PaymentQuote quote, string reason) =>
        rejections.Add(new ChallengeRejection(quote.Challenge.Id, quote.Method, quote.Intent, reason));

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static bool IsSecureEnough(Uri uri, MppOptions options) =>
        uri.Scheme == Uri.UriSchemeHttps || options.AllowInsecureHttp || uri.IsLoopback;

    private static bool RequiresIdempotencyKey(HttpMethod method) =>
        method == HttpMethod.Post || method == HttpMethod.Patch || method == HttpMethod.Put || method == HttpMethod.Delete;

    internal static void SetCredential(HttpRequestMessage request, string headerName, string headerValue)
    {
        // Never two Payment credentials in one request (core spec § "Credentials").
        RemoveCredential(request);
        if (headerName == Challenge.PaymentAuthorizationHeader)
        {
            request.Headers.TryAddWithoutValidation(Challenge.PaymentAuthorizationHeader, headerValue);
        }
        else
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", headerValue);
        }
    }

    internal static void RemoveCredential(HttpRequestMessage request)
    {
        request.Headers.Remove(Challenge.PaymentAuthorizationHeader);
        if (request.Headers.NonValidated.TryGetValues("Authorization", out var values))
        {
            foreach (var v in values)
            {
                if (v.StartsWith("Payment ", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Remove("Authorization");
                    break;
                }
            }
        }
    }

    private async Task<HttpResponseMessage> SendPaidAsync(HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, string origin, CancellationToken cancellationToken)
    {
        var pipeline = Current().Pipeline;
        if (pipeline is null)
        {
            return await send(request, cancellationToken).ConfigureAwait(false); // no retries, no attempt timeout
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(OriginKey, origin);
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.send(state.request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (request, send)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<string> OriginKey = new("mpp.origin");

    private CompiledOptions Current()
    {
        var options = _options.CurrentValue;
        var cache = _cache;
        if (cache is null || !ReferenceEquals(cache.Options, options))
        {
            // Swapped as one reference, so concurrent readers never see a pipeline of one options instance with another's header.
            cache = new CompiledOptions(options, BuildPipeline(options.Retry), BuildAcceptPayment(options));
            _cache = cache;
        }

        return cache;
    }

    private sealed record CompiledOptions(MppOptions Options, ResiliencePipeline<HttpResponseMessage>? Pipeline, string? AcceptPayment);

    private ResiliencePipeline<HttpResponseMessage>? BuildPipeline(PaymentRetryOptions retry)
    {
        if (retry.MaxRetryAttempts == 0 && retry.AttemptTimeout is null)
        {
            return null;
        }

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = retry.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Log.TransientRetry(_logger, args.Context.Properties.GetValue(OriginKey, "?"), reason, args.AttemptNumber + 1);
                    return default;
                },
            });
        }

        if (retry.AttemptTimeout is { } timeout)
        {
            builder.AddTimeout(timeout);
        }

        return builder.Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Exception: TimeoutRejectedException } => true,
        { Exception: OperationCanceledException } => !callerToken.IsCancellationRequested,
        { Result.StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };

    private string? BuildAcceptPayment(MppOptions options)
    {
        if (!options.SendAcceptPayment || _methods.Count == 0)
        {
            return null;
        }

        var preferences = _policy.Snapshot.Preferences;
        var ranges = new List<PaymentPreference>();
        foreach (var m in _methods.Values)
        {
            foreach (var intent in m.Intents)
            {
                var q = preferences.Count == 0 ? 1.0 : PaymentPreference.WeightOf(preferences, m.Method, intent) ?? 0.001;
                if (q > 0 && _policy.Snapshot.MethodAllowed(m.Method, intent))
                {
                    ranges.Add(new PaymentPreference(m.Method, intent, q));
                }
            }
        }

        ranges.Sort(static (a, b) => b.Q.CompareTo(a.Q));
        return ranges.Count == 0 ? null : PaymentPreference.FormatHeader(ranges);
    }

    private PaymentReceipt? ReadReceipt(HttpResponseMessage response, string origin)
    {
        if (!response.Headers.NonValidated.TryGetValues("Payment-Receipt", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            try
            {
                var receipt = PaymentReceipt.Parse(value);
                if (!string.Equals(receipt.Status, "success", StringComparison.Ordinal))
                {
                    // Core spec § "Receipt Status Semantics": receipts are only issued on success; keep it, but say so.
                    Log.InvalidReceipt(_logger, origin, $"status '{receipt.Status}' on a {(int)response.StatusCode} response");
                }

                return receipt;
            }
            catch (MppFormatException ex)
            {
                Log.InvalidReceipt(_logger, origin, ex.Message);
            }
        }

        return null;
    }

    private static async Task<PaymentProblem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var content = response.Content;
        var mediaType = content.Headers.ContentType?.MediaType;
        if (mediaType is null || !(mediaType.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        if (content.Headers.ContentLength is > MaxProblemBytes)
        {
            return null;
        }

        try
        {
            // Buffer so the caller can still read the body.
            await content.LoadIntoBufferAsync(MaxProblemBytes, cancellationToken).ConfigureAwait(false);
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return PaymentProblem.TryParse(bytes);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> RefuseAsync(HttpRequestMessage request, HttpResponseMessage response, MppErrorCode code, string reason, PaymentQuote? quote, PaymentProblem? problem, List<ChallengeRejection> rejections, int rounds, MppOptions options, CancellationToken cancellationToken)
    {
        Log.PaymentRefused(_logger, code, (request.RequestUri ?? new Uri("about:blank")).GetLeftPart(UriPartial.Authority), reason);
        return await FinishAsync(request, response, PaymentStatus.Refused, code, reason, quote, null, problem, rejections, rounds, options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> FinishAsync(HttpRequestMessage request, HttpResponseMessage response, PaymentStatus status, MppErrorCode? code, string? reason, PaymentQuote? quote, PaymentReceipt? receipt, PaymentProblem? problem, List<ChallengeRejection> rejections, int rounds, MppOptions options, CancellationToken cancellationToken)
    {
        problem ??= response.StatusCode == HttpStatusCode.PaymentRequired ? await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false) : null;
        var outcome = new PaymentOutcome(status, code, reason, quote, receipt, problem, rejections, rounds);
        request.Options.Set(MppRequestOptions.Outcome, outcome);
        if (status == PaymentStatus.Quoted)
        {
            return response;
        }

        _telemetry.Failures.Add(1, new KeyValuePair<string, object?>("reason", code?.ToString() ?? status.ToString()));
        await NotifyAsync(static (o, x, ct) => o.OnPaymentFailedAsync(x, ct), outcome, cancellationToken).ConfigureAwait(false);
        if (options.ThrowOnPaymentFailure)
        {
            response.Dispose();
            throw new PaymentException(code ?? MppErrorCode.PaymentRejected, reason ?? status.ToString(), outcome);
        }

        return response;
    }

    private async Task NotifyChallengesAsync(Uri uri, IReadOnlyList<ChallengeParseResult> parsed, CancellationToken cancellationToken)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var challenges = parsed.Where(p => p.Challenge is not null).Select(p => p.Challenge!).ToArray();
        await NotifyAsync(static (o, x, ct) => o.OnChallengeReceivedAsync(x.uri, x.challenges, ct), (uri, challenges: (IReadOnlyList<Challenge>)challenges), cancellationToken).ConfigureAwait(false);
    }

    private async Task NotifyAsync<TState>(Func<IPaymentObserver, TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await call(observer, state, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }
}
