using System.Net;
using Microsoft.Extensions.Logging;
using Mpp.Client.Diagnostics;
using Mpp.Client.Payments;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Mpp.Client.Http;

/// <summary>
/// The HTTP side of the payment flow behind <see cref="PaymentHandler"/>: origin and transport checks, challenge parsing,
/// the transient-retry pipeline and <c>Accept-Payment</c>; the state machine itself is the transport-neutral
/// <see cref="PaymentCoordinator"/>, which this calls with an <see cref="HttpPaymentExchange"/>.
/// </summary>
internal sealed class PaymentFlow
{
    private readonly PaymentCoordinator _coordinator;
    private readonly SpendingPolicy _policy;
    private readonly Func<MppOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IHttpPaymentScheme[] _schemes;
    private readonly IPreemptivePayer[] _preemptive;
    private CompiledOptions? _cache;

    public PaymentFlow(
        PaymentCoordinator coordinator,
        SpendingPolicy policy,
        Func<MppOptions> options,
        TimeProvider time,
        ILogger<PaymentHandler> logger,
        IEnumerable<IHttpPaymentScheme>? schemes = null,
        IEnumerable<IPreemptivePayer>? preemptive = null)
    {
        // The core's Payment scheme first: a 402 offering both a Payment challenge and another scheme's prefers Payment.
        _schemes = [PaymentAuthScheme.Instance, .. (schemes ?? []).Where(static s => s.Name != Challenge.PaymentScheme)];
        _preemptive = preemptive?.ToArray() ?? [];
        _coordinator = coordinator;
        _policy = policy;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public MppOptions Options => _options();

    /// <summary>The payers asked before the first send (empty unless one is registered).</summary>
    public IPreemptivePayer[] Preemptive => _preemptive;

    /// <summary>Every header that carries a credential of any scheme or pre-emptive payer.</summary>
    public IEnumerable<string> SensitiveHeaders => _schemes.SelectMany(static s => s.SensitiveHeaders).Concat(_preemptive.SelectMany(static p => p.SensitiveHeaders));

    /// <summary>Removes every scheme's credential from the request (before a redirect is followed).</summary>
    public void RemoveCredentials(HttpRequestMessage request)
    {
        HttpPaymentExchange.RemoveCredentials(request, _schemes);
        foreach (var p in _preemptive)
        {
            foreach (var h in p.SensitiveHeaders)
            {
                request.Headers.Remove(h);
            }
        }
    }

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
        var current = Current();
        var options = current.Options;
        var uri = request.RequestUri ?? originalUri;
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var parsed = await HttpPaymentExchange.ReadChallengesAsync(response, _schemes, cancellationToken).ConfigureAwait(false);
        var problem = await HttpPaymentExchange.ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
        PaymentOutcome outcome;
        HttpPaymentExchange? exchange = null;
        if (!HttpPaymentExchange.SameOrigin(uri, originalUri))
        {
            // Money stays with the origin the caller asked for: a challenge reached through a redirect to another origin is not paid.
            outcome = Refused(MppErrorCode.CrossOriginRefused,
                $"Refusing to send payment credential across redirect from {originalUri.GetLeftPart(UriPartial.Authority)} to {origin}.", origin, problem);
        }
        else if (!(uri.Scheme == Uri.UriSchemeHttps || options.AllowInsecureHttp || uri.IsLoopback))
        {
            // Core spec § "Transport Security": never a credential over plain HTTP, loopback and explicit opt-in aside.
            outcome = Refused(MppErrorCode.InsecureTransport,
                $"Refusing to send a payment credential over plain HTTP to {uri.Host} (set AllowInsecureHttp to allow).", origin, problem);
        }
        else
        {
            var context = new PaymentContext(uri)
            {
                ClientBudget = clientBudget,
                MaxPayment = request.Options.TryGetValue(MppRequestOptions.MaxPayment, out var caps) ? caps : null,
                Problem = problem,
            };
            if (request.GetPaymentMode() == PaymentMode.QuoteOnly)
            {
                var selection = await _coordinator.EvaluateAsync(context, parsed, cancellationToken).ConfigureAwait(false);
                if (selection.Best is { } best)
                {
                    outcome = new PaymentOutcome(PaymentStatus.Quoted) { Quote = best, Payable = selection.Payable, Rejections = selection.Rejections, Problem = problem };
                }
                else
                {
                    var (code, reason) = PaymentCoordinator.Summarize(parsed.Count, selection.Rejections);
                    outcome = Refused(code, reason, origin, problem, selection.Rejections);
                }
            }
            else
            {
                exchange = new HttpPaymentExchange(request, response, uri, send, current.Pipeline, _schemes, _logger);
                try
                {
                    outcome = await _coordinator.PayAsync(context, parsed, exchange, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    exchange.Response?.Dispose(); // a body that cannot be replayed, or the caller's cancellation: the 402 is not returned
                    throw;
                }
            }
        }

        if (exchange is null)
        {
            await _coordinator.NotifyFailedAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        }

        request.Options.Set(MppRequestOptions.Outcome, outcome);
        var final = exchange is null ? response : exchange.Response;
        if (final is null)
        {
            // The credential left and no response came back: the payment may have been taken.
            if (exchange!.CallerCancelled)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exchange.TransportFailure!);
            }

            throw new PaymentException(MppErrorCode.PaymentOutcomeUnknown, outcome.Reason!, outcome, exchange.TransportFailure);
        }

        if (options.ThrowOnPaymentFailure && outcome.Status is not (PaymentStatus.Paid or PaymentStatus.Quoted))
        {
            final.Dispose();
            throw new PaymentException(outcome.Code ?? MppErrorCode.PaymentRejected, outcome.Reason ?? outcome.Status.ToString(), outcome, outcome.Cause);
        }

        return final;
    }

    private PaymentOutcome Refused(MppErrorCode code, string reason, string origin, PaymentProblem? problem, IReadOnlyList<ChallengeRejection>? rejections = null)
    {
        Log.PaymentRefused(_logger, code, origin, reason);
        return new PaymentOutcome(PaymentStatus.Refused) { Code = code, Reason = reason, Problem = problem, Rejections = rejections ?? [] };
    }

    private CompiledOptions Current()
    {
        var options = _options();
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
                    // The failed attempt may have reached the server: from now on a "not taken" answer proves nothing.
                    if (args.Context.Properties.TryGetValue(HttpPaymentExchange.Ambiguous, out var ambiguous))
                    {
                        ambiguous.Value = true;
                    }

                    var reason = args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Log.TransientRetry(_logger, args.Context.Properties.GetValue(HttpPaymentExchange.Origin, "?"), reason, args.AttemptNumber + 1);
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
        if (!options.SendAcceptPayment)
        {
            return null;
        }

        // Accept-Payment speaks only the core's method ids; another scheme's (x402) are not advertised here.
        var ranges = _coordinator.GetPayableMethods().Where(static r => Challenge.IsMethodId(r.Method)).ToList();
        return ranges.Count == 0 ? null : PaymentPreference.FormatHeader(ranges);
    }
}
