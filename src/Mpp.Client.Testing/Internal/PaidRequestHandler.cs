using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// The HTTP side of a paid route: reads the credential from the request, hands it to the <see cref="CredentialProcessor"/>
/// (which judges it exactly as <see cref="MppTestServer.VerifyAsync"/> does), and writes the answer: the paid response with
/// its <c>Payment-Receipt</c>, a 402 with fresh challenges and problem details, or another problem.
/// </summary>
internal sealed class PaidRequestHandler(ServerState state, ChallengeIssuer issuer, CredentialProcessor processor)
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
            state.CountRejection(PaymentProblemType.MalformedCredential);
            await WriteChallengeAsync(context, route, trace, PaymentProblemType.MalformedCredential, "The Payment credential could not be read.").ConfigureAwait(false);
            return;
        }

        trace.ChallengeId = credential.Challenge.Id;
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        var attempt = new PresentedCredential(route, credential, field, trace.Body, request.Method, idempotencyKey.Length > 0 ? idempotencyKey : null);
        var verification = await processor.VerifyAsync(attempt, context.RequestAborted).ConfigureAwait(false);
        if (verification.Succeeded)
        {
            await WritePaidAsync(context, route, trace, verification).ConfigureAwait(false);
        }
        else if (verification.StatusCode == StatusCodes.Status402PaymentRequired)
        {
            await WriteChallengeAsync(context, route, trace, verification.Problem!.Value, verification.Detail!).ConfigureAwait(false);
        }
        else
        {
            await WriteFailureAsync(context, route, trace, verification.StatusCode, verification.Problem, verification.Detail!).ConfigureAwait(false);
        }
    }

    /// <summary>Writes an accepted payment: the same bytes for the first answer and for idempotent replays.</summary>
    private static async Task WritePaidAsync(HttpContext context, PaidRoute route, RequestTrace trace, CredentialVerification verification)
    {
        var options = route.Options;
        var response = context.Response;
        response.Headers.CacheControl = "private";
        if (!options.OmitReceipt)
        {
            response.Headers["Payment-Receipt"] = verification.Receipt!.Serialize();
        }

        byte[] body;
        if (options.RedirectAfterPayment is { } location)
        {
            response.StatusCode = options.RedirectStatusCode;
            response.Headers.Location = location;
            body = [];
        }
        else if (options.PaidResponse is { } write)
        {
            response.StatusCode = StatusCodes.Status200OK;
            context.Request.Body = new MemoryStream(trace.Body, writable: false);
            await write(context, verification).ConfigureAwait(false);
            return;
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = options.ResponseContentType;
            body = options.ResponseBody is null ? DefaultBody(route.Path) : Encoding.UTF8.GetBytes(options.ResponseBody);
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
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

    private async Task WriteChallengeAsync(HttpContext context, PaidRoute route, RequestTrace trace, PaymentProblemType type, string detail)
    {
        IReadOnlyList<Challenge> challenges;
        try
        {
            challenges = await issuer.IssueAsync(route, trace.Body, context.Request.Method, context.Request.Headers["Accept-Payment"].ToString(), context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A verifier could not write a request: no challenge can be offered.
            await WriteFailureAsync(
                context,
                route,
                trace,
                StatusCodes.Status500InternalServerError,
                PaymentProblemType.InternalPaymentError,
                $"No challenge could be issued ({ex.GetType().Name}: {ex.Message}).").ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status402PaymentRequired;
        response.Headers.CacheControl = "no-store";
        var values = challenges.Select(c => c.ToHeaderValue()).ToArray();
        response.Headers.WWWAuthenticate = route.Options.ChallengeHeaderStyle == ChallengeHeaderStyle.SingleField
            ? string.Join(", ", values)
            : values;
        AddRetryAfter(response, route);
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

    /// <summary>Writes a failure that offers no challenge: a verifier that failed, or a status forced by the route.</summary>
    private static async Task WriteFailureAsync(HttpContext context, PaidRoute route, RequestTrace trace, int status, PaymentProblemType? type, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        AddRetryAfter(context.Response, route);
        trace.Problem = type;
        PaymentProblem problem;
        if (type is { } known)
        {
            problem = ProblemTypes.Create(known, status, detail);
        }
        else
        {
            var title = ReasonPhrases.GetReasonPhrase(status);
            problem = PaymentProblem.Create("about:blank", title.Length > 0 ? title : "Error", status, detail);
        }

        await WriteProblemAsync(context, problem).ConfigureAwait(false);
    }
}
