using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Mpp.Client.Diagnostics;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;
using Polly;
using Polly.Timeout;

namespace Mpp.Client.Http;

/// <summary>
/// The HTTP side of a payment: puts the credential in the field the challenge selects, resends the request (its body
/// replayed) through the transient-retry pipeline, and classifies the answer. Holds the latest response for the caller.
/// </summary>
internal sealed class HttpPaymentExchange(
    HttpRequestMessage request,
    HttpResponseMessage response,
    Uri payeeUri,
    Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
    ResiliencePipeline<HttpResponseMessage>? pipeline,
    IReadOnlyList<IHttpPaymentScheme> schemes,
    ILogger logger) : IPaymentExchange
{
    private const int MaxProblemBytes = 64 * 1024;
    private static readonly ResiliencePropertyKey<string> OriginKey = new("mpp.origin");
    private static readonly ResiliencePropertyKey<StrongBox<bool>> AmbiguousKey = new("mpp.ambiguous");
    private string? _idempotencyKey;

    /// <summary>The latest response (the 402 until a credential is sent); null when the last send failed without one.</summary>
    public HttpResponseMessage? Response { get; private set; } = response;

    /// <summary>The transport failure of the last send, when it got no response.</summary>
    public Exception? TransportFailure { get; private set; }

    /// <summary>True when the last send ended because the caller's token was cancelled.</summary>
    public bool CallerCancelled { get; private set; }

    public static ResiliencePropertyKey<string> Origin => OriginKey;

    public static ResiliencePropertyKey<StrongBox<bool>> Ambiguous => AmbiguousKey;

    public async ValueTask<ReadOnlyMemory<byte>?> PrepareAsync(CancellationToken cancellationToken) =>
        await RequestBody.PrepareAsync(request, cancellationToken).ConfigureAwait(false);

    public async ValueTask<PaymentExchangeResult> SendAsync(Credential credential, CancellationToken cancellationToken)
    {
        var origin = payeeUri.GetLeftPart(UriPartial.Authority);
        var scheme = SchemeOf(credential.Challenge);
        RemoveCredentials(request, schemes); // never two credentials in one request (core spec § "Credentials")
        scheme.ApplyCredential(request, credential);
        if (RequiresIdempotencyKey(request.Method) && (_idempotencyKey is not null || !request.Headers.Contains("Idempotency-Key")))
        {
            // Core spec § "Idempotency and Side Effects": one key for every send of this request, so a resend is never re-executed.
            _idempotencyKey ??= Guid.NewGuid().ToString("N");
            request.Headers.Remove("Idempotency-Key");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", _idempotencyKey);
        }

        Response?.Dispose();
        Response = null;
        var ambiguous = new StrongBox<bool>(); // set by the retry pipeline when an earlier send of this credential failed
        HttpResponseMessage answer;
        try
        {
            answer = await SendPaidAsync(origin, ambiguous, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TransportFailure = ex;
            CallerCancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            return PaymentExchangeResult.Unknown(CallerCancelled ? "cancelled by the caller after the credential was sent"
                : ex is TimeoutRejectedException ? "the paid request exceeded Retry:AttemptTimeout" : ex.GetType().Name);
        }
        finally
        {
            scheme.RemoveCredential(request);
        }

        Response = answer;
        var status = (int)answer.StatusCode;
        if (status is >= 200 and < 300)
        {
            var receipt = scheme.ReadReceipt(answer, out var error);
            if (receipt is not null && !string.Equals(receipt.Status, "success", StringComparison.Ordinal))
            {
                // Core spec § "Receipt Status Semantics": receipts are only issued on success; keep it, but say so.
                Log.InvalidReceipt(logger, origin, $"status '{receipt.Status}' on a {status} response");
            }

            return PaymentExchangeResult.Accepted(receipt, error);
        }

        if (answer.StatusCode == HttpStatusCode.PaymentRequired)
        {
            var problem = await ReadProblemAsync(answer, cancellationToken).ConfigureAwait(false);

            // Only the origin that received the credential can prove it did not take the payment: a 402 reached through a
            // redirect to another origin proves nothing, and the amount stays counted.
            var answeredByPayee = request.RequestUri is { } answeredBy && SameOrigin(answeredBy, payeeUri);
            return PaymentExchangeResult.Rejected(
                problem,
                answeredByPayee && problem?.PaymentNotTaken == true,
                answeredByPayee ? await ReadChallengesAsync(answer, schemes, cancellationToken).ConfigureAwait(false) : [],
                ambiguous.Value);
        }

        // 403 after a credential: the payment was valid and policy denied access (core spec § "Status Codes"): money moved.
        return answer.StatusCode == HttpStatusCode.Forbidden
            ? PaymentExchangeResult.Accepted(null, null, accessDenied: true)
            : PaymentExchangeResult.Unknown($"status {status}");
    }

    private async Task<HttpResponseMessage> SendPaidAsync(string origin, StrongBox<bool> ambiguous, CancellationToken cancellationToken)
    {
        if (pipeline is null)
        {
            return await send(request, cancellationToken).ConfigureAwait(false); // no retries, no attempt timeout
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(OriginKey, origin);
            context.Properties.Set(AmbiguousKey, ambiguous);
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

    internal static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static bool RequiresIdempotencyKey(HttpMethod method) =>
        method == HttpMethod.Post || method == HttpMethod.Patch || method == HttpMethod.Put || method == HttpMethod.Delete;

    /// <summary>Reads the challenges of every scheme from a 402: the core's first, then the others in registration order.</summary>
    internal static async ValueTask<IReadOnlyList<ChallengeParseResult>> ReadChallengesAsync(HttpResponseMessage answer, IReadOnlyList<IHttpPaymentScheme> schemes, CancellationToken cancellationToken)
    {
        if (schemes.Count == 1 && schemes[0] is PaymentAuthScheme)
        {
            return ChallengeParser.Parse(answer); // the usual case: the core scheme alone, no second list
        }

        var all = new List<ChallengeParseResult>();
        foreach (var s in schemes)
        {
            await s.ReadChallengesAsync(answer, all, cancellationToken).ConfigureAwait(false);
        }

        return all;
    }

    /// <summary>Removes the credentials of every scheme from the request.</summary>
    internal static void RemoveCredentials(HttpRequestMessage request, IReadOnlyList<IHttpPaymentScheme> schemes)
    {
        foreach (var s in schemes)
        {
            s.RemoveCredential(request);
        }
    }

    private IHttpPaymentScheme SchemeOf(Challenge challenge)
    {
        foreach (var s in schemes)
        {
            if (string.Equals(s.Name, challenge.Scheme, StringComparison.Ordinal))
            {
                return s;
            }
        }

        return PaymentAuthScheme.Instance;
    }

    internal static async Task<PaymentProblem?> ReadProblemAsync(HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        var content = answer.Content;
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
}
