using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// Answers requests to a paid route: issues challenges, verifies credentials (binding, route, expiry, field, digest,
/// payload), consumes challenge ids atomically, settles, writes receipts and replays idempotent responses.
/// </summary>
internal sealed class PaidRequestHandler(ServerState state)
{
    public async Task HandleAsync(HttpContext context, PaidRoute route, RequestTrace trace)
    {
        var request = context.Request;
        if (trace.Credentials.Count == 0)
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.PaymentRequired, "Payment is required.").ConfigureAwait(false);
            return;
        }

        if (trace.Credentials.Count > 1)
        {
            await WriteBadRequestAsync(context, trace, "The request carries more than one Payment credential.").ConfigureAwait(false);
            return;
        }

        var (field, value) = trace.Credentials[0];
        Credential credential;
        try
        {
            credential = Credential.Parse(value);
        }
        catch (MppFormatException)
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.MalformedCredential, "The Payment credential could not be read.").ConfigureAwait(false);
            return;
        }

        var challenge = credential.Challenge;
        trace.ChallengeId = challenge.Id;
        if (!string.Equals(challenge.Realm, state.Realm, StringComparison.Ordinal) || !ChallengeId.Verify(state.Secret, challenge))
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.InvalidChallenge, "The challenge id is unknown.").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(challenge.CredentialHeaderName, field, StringComparison.OrdinalIgnoreCase))
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.InvalidChallenge,
                $"The credential for this challenge must be sent in {challenge.CredentialHeaderName ?? "a supported field"}, not {field}.").ConfigureAwait(false);
            return;
        }

        var offer = route.Offers.FirstOrDefault(o => o.Matches(challenge) && OpaqueBinding.Matches(challenge.Opaque, route.Path, o.Price.Opaque));
        if (offer is null)
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.InvalidChallenge, "The challenge was not issued for this resource.").ConfigureAwait(false);
            return;
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        IdempotencyEntry? entry = null;
        if (idempotencyKey.Length > 0)
        {
            entry = route.Idempotency.GetOrAdd(idempotencyKey, static _ => new IdempotencyEntry());
            if (entry.Response is { } earlier && string.Equals(earlier.ChallengeId, challenge.Id, StringComparison.Ordinal))
            {
                // The same paid request sent again (e.g. after a lost response): the same answer, no new payment.
                await WriteStoredAsync(context, earlier).ConfigureAwait(false);
                return;
            }
        }

        var now = state.TimeProvider.GetUtcNow();
        if (challenge.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.PaymentExpired, "The challenge has expired.").ConfigureAwait(false);
            return;
        }

        if (challenge.Digest is { } digest)
        {
            if (!ContentDigest.Matches(digest, trace.Body))
            {
                await WriteChallengeAsync(context, route, trace, PaymentProblemType.VerificationFailed, "The request body does not match the challenge digest.").ConfigureAwait(false);
                return;
            }
        }
        else if (RequiresDigest(route, request.Method, trace.Body))
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.VerificationFailed, "The challenge does not bind this request body.").ConfigureAwait(false);
            return;
        }

        var verification = Verify(credential);
        if (!verification.Succeeded)
        {
            await WriteChallengeAsync(context, route, trace, verification.Problem, verification.Detail ?? "The payment was refused.").ConfigureAwait(false);
            return;
        }

        if (route.TakeForcedVerificationFailure())
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.VerificationFailed, "The payment could not be verified (forced by the test route).").ConfigureAwait(false);
            return;
        }

        if (route.TakeForcedStatus())
        {
            await WriteForcedStatusAsync(context, route, trace).ConfigureAwait(false);
            return;
        }

        if (entry is null)
        {
            await SettleAsync(context, route, trace, credential, offer, verification, idempotencyKey: null).ConfigureAwait(false);
            return;
        }

        // One request per key at a time: the first settles and stores, the others replay what it stored.
        await entry.Gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (entry.Response is { } stored)
            {
                await WriteStoredAsync(context, stored).ConfigureAwait(false);
                return;
            }

            entry.Response = await SettleAsync(context, route, trace, credential, offer, verification, idempotencyKey).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static bool RequiresDigest(PaidRoute route, string httpMethod, byte[] body) =>
        route.Options.DigestBinding && (body.Length > 0 || HttpMethods.IsPost(httpMethod) || HttpMethods.IsPut(httpMethod) || HttpMethods.IsPatch(httpMethod));

    private static async Task WriteStoredAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        response.Headers.CacheControl = "private";
        if (stored.Receipt is not null)
        {
            response.Headers["Payment-Receipt"] = stored.Receipt;
        }

        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }

        if (stored.ContentType is not null)
        {
            response.ContentType = stored.ContentType;
        }

        response.ContentLength = stored.Body.Length;
        await response.Body.WriteAsync(stored.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] DefaultBody(string path)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("paid", true);
            writer.WriteString("path", path);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task WriteProblemAsync(HttpContext context, PaymentProblem problem)
    {
        var bytes = Encoding.UTF8.GetBytes(problem.Raw.GetRawText());
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static void AddRetryAfter(HttpResponse response, PaidRoute route)
    {
        if (route.Options.RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(0, (long)Math.Ceiling(retryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private PaymentVerificationResult Verify(Credential credential)
    {
        var method = credential.Challenge.Method;
        if (state.Verifiers.TryGetValue(method, out var verifier))
        {
            return verifier(credential);
        }

        if (method == PriceOption.TestMethod)
        {
            if (!credential.Payload.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String)
            {
                return PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "The test payload must be {\"token\": \"<string>\"}.");
            }

            return string.Equals(token.GetString(), state.TestToken, StringComparison.Ordinal)
                ? PaymentVerificationResult.Success()
                : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "The test token is not valid.");
        }

        return PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, $"The test server has no verifier for method '{method}'.");
    }

    private async Task<StoredResponse?> SettleAsync(
        HttpContext context,
        PaidRoute route,
        RequestTrace trace,
        Credential credential,
        OfferedPrice offer,
        PaymentVerificationResult verification,
        string? idempotencyKey)
    {
        var challenge = credential.Challenge;
        if (!state.TryConsume(challenge.Id))
        {
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.InvalidChallenge, "The challenge has already been used.").ConfigureAwait(false);
            return null;
        }

        var now = state.TimeProvider.GetUtcNow();
        var number = state.NextPaymentNumber();
        var reference = verification.Reference ?? string.Create(CultureInfo.InvariantCulture, $"{challenge.Method}_{number}");
        var price = offer.Price;
        state.RecordPayment(new RecordedPayment(
            route.Path, challenge.Id, challenge.Method, challenge.Intent, price.Amount, price.Currency, price.Recipient, reference, now, credential.Source, idempotencyKey));
        route.CountExecution();

        var options = route.Options;
        var receipt = options.OmitReceipt
            ? null
            : new PaymentReceipt("success", challenge.Method, Rfc3339.Format(now), reference, offer.ExternalId).Serialize();
        var stored = options.RedirectAfterPayment is { } location
            ? new StoredResponse(options.RedirectStatusCode, null, [], receipt, location, challenge.Id)
            : new StoredResponse(
                StatusCodes.Status200OK,
                options.ResponseContentType,
                options.ResponseBody is null ? DefaultBody(route.Path) : Encoding.UTF8.GetBytes(options.ResponseBody),
                receipt,
                null,
                challenge.Id);
        await WriteStoredAsync(context, stored).ConfigureAwait(false);
        return stored;
    }

    private async Task WriteChallengeAsync(HttpContext context, PaidRoute route, RequestTrace trace, PaymentProblemType type, string detail)
    {
        var challenges = IssueChallenges(route, context.Request, trace.Body);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status402PaymentRequired;
        response.Headers.CacheControl = "no-store";
        var values = challenges.Select(c => c.ToHeaderValue()).ToArray();
        response.Headers.WWWAuthenticate = route.Options.ChallengeHeaderStyle == ChallengeHeaderStyle.SingleField
            ? string.Join(", ", values)
            : values;
        AddRetryAfter(response, route);
        state.CountChallenges(challenges.Count);
        if (type != PaymentProblemType.PaymentRequired)
        {
            state.CountRejection(type);
        }

        trace.Problem = type;
        await WriteProblemAsync(context, ProblemTypes.Create(type, StatusCodes.Status402PaymentRequired, detail, challenges[0].Id)).ConfigureAwait(false);
    }

    private async Task WriteBadRequestAsync(HttpContext context, RequestTrace trace, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.Headers.CacheControl = "no-store";
        state.CountRejection(PaymentProblemType.BadRequest);
        trace.Problem = PaymentProblemType.BadRequest;
        await WriteProblemAsync(context, ProblemTypes.Create(PaymentProblemType.BadRequest, StatusCodes.Status400BadRequest, detail)).ConfigureAwait(false);
    }

    private async Task WriteForcedStatusAsync(HttpContext context, PaidRoute route, RequestTrace trace)
    {
        var status = route.Options.ForcedStatusCode;
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        AddRetryAfter(context.Response, route);
        const string Detail = "Failure forced by the test route; the payment was not taken.";
        PaymentProblem problem;
        if (status == StatusCodes.Status500InternalServerError)
        {
            trace.Problem = PaymentProblemType.InternalPaymentError;
            problem = ProblemTypes.Create(PaymentProblemType.InternalPaymentError, status, Detail);
        }
        else
        {
            var title = ReasonPhrases.GetReasonPhrase(status);
            problem = PaymentProblem.Create("about:blank", title.Length > 0 ? title : "Error", status, Detail);
        }

        await WriteProblemAsync(context, problem).ConfigureAwait(false);
    }

    private List<Challenge> IssueChallenges(PaidRoute route, HttpRequest request, byte[] body)
    {
        var now = state.TimeProvider.GetUtcNow();
        var expires = now + (route.Options.ChallengeLifetime ?? state.ChallengeLifetime);
        expires = new DateTimeOffset(expires.UtcTicks - (expires.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var expiresText = Rfc3339.Format(expires);
        var digest = RequiresDigest(route, request.Method, body) ? ContentDigest.ComputeSha256(body) : null;
        var offers = route.Options.HonorAcceptPayment
            ? AcceptPaymentOrder.Apply(route.Offers, request.Headers["Accept-Payment"].ToString())
            : route.Offers;
        var challenges = new List<Challenge>(offers.Count);
        foreach (var offer in offers)
        {
            var price = offer.Price;
            var opaque = OpaqueBinding.Encode(route.Path, price.Opaque);
            var id = ChallengeId.Compute(state.Secret, state.Realm, price.Method, price.Intent, offer.CanonicalRequest, expiresText, digest, opaque, price.Header);
            challenges.Add(Challenge.Create(id, state.Realm, price.Method, price.Intent, offer.Request, expires, price.Description, digest, opaque, price.Header));
        }

        return challenges;
    }
}
