using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>The server's only middleware: buffers the body, finds credentials, records the request and routes it.</summary>
internal sealed class RequestDispatcher(ServerState state, PaidRequestHandler paid)
{
    public async Task DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var credentials = new List<(string Field, string Value)>(1);
        foreach (var value in request.Headers.Authorization)
        {
            if (IsPaymentScheme(value))
            {
                credentials.Add(("Authorization", value!));
            }
        }

        foreach (var value in request.Headers[Challenge.PaymentAuthorizationHeader])
        {
            credentials.Add((Challenge.PaymentAuthorizationHeader, value ?? string.Empty));
        }

        var trace = new RequestTrace { ReceivedAt = state.TimeProvider.GetUtcNow(), Body = body, Credentials = credentials };
        context.Response.OnStarting(() =>
        {
            // A credential outside Authorization is not covered by shared caches' Authorization rule (core spec § "Caching").
            if (trace.Credentials.Count > 0 && !context.Response.Headers.ContainsKey("Cache-Control"))
            {
                context.Response.Headers.CacheControl = "no-store";
            }

            state.Record(CreateRecord(context, trace));
            return Task.CompletedTask;
        });

        var path = request.Path.Value ?? "/";
        if (!state.Routes.TryGetValue(path, out var entry))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (entry.Paid is { } route)
        {
            if (!route.AllowsMethod(request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = string.Join(", ", route.Options.HttpMethods!);
                return;
            }

            await paid.HandleAsync(context, route, trace).ConfigureAwait(false);
            return;
        }

        request.Body = new MemoryStream(body, writable: false);
        await entry.Handler!(context).ConfigureAwait(false);
    }

    private static RecordedRequest CreateRecord(HttpContext context, RequestTrace trace)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = IsCredentialField(name)
                ? string.Join(", ", values.Select(v => IsPaymentScheme(v) || name.Equals(Challenge.PaymentAuthorizationHeader, StringComparison.OrdinalIgnoreCase) ? "Payment [redacted]" : v))
                : values.ToString();
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        var acceptPayment = request.Headers["Accept-Payment"].ToString();
        return new RecordedRequest(
            trace.ReceivedAt,
            request.Method,
            request.Path.Value ?? "/",
            request.QueryString.Value ?? string.Empty,
            headers,
            [.. trace.Credentials.Select(c => c.Field)],
            trace.ChallengeId,
            idempotencyKey.Length > 0 ? idempotencyKey : null,
            acceptPayment.Length > 0 ? acceptPayment : null,
            trace.Body,
            context.Response.StatusCode,
            trace.Problem);
    }

    private static bool IsPaymentScheme(string? value)
    {
        var v = value.AsSpan().TrimStart();
        return v.StartsWith("Payment", StringComparison.OrdinalIgnoreCase) && (v.Length == 7 || v[7] is ' ' or '\t');
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static bool IsCredentialField(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals(Challenge.PaymentAuthorizationHeader, StringComparison.OrdinalIgnoreCase);
}
