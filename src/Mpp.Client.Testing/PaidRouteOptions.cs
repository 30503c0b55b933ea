using Microsoft.AspNetCore.Http;

namespace Mpp.Client.Testing;

/// <summary>How a paid route (<see cref="MppTestServer.MapPaid(string, PaidRouteOptions)"/>) prices, answers and misbehaves.</summary>
public sealed class PaidRouteOptions
{
    /// <summary>The ways to pay, in server preference order; each becomes one challenge of every 402. At least one.</summary>
    public IList<PriceOption> Prices { get; init; } = [];

    /// <summary>The HTTP methods the route answers (others get 405), or <see langword="null"/> (the default) for all.</summary>
    public IReadOnlyCollection<string>? HttpMethods { get; init; }

    /// <summary>The paid response body, or <see langword="null"/> (the default) for <c>{"paid":true,"path":"&lt;path&gt;"}</c>.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>The paid response's <c>Content-Type</c>. Default <c>application/json</c>.</summary>
    public string ResponseContentType { get; init; } = "application/json";

    /// <summary>
    /// Writes the answer to an accepted payment in place of <see cref="ResponseBody"/> (e.g. a server-sent event stream
    /// metered as it goes), or <see langword="null"/> (the default). It runs after the payment is recorded, with status 200,
    /// <c>Cache-Control: private</c> and the <c>Payment-Receipt</c> header (unless <see cref="OmitReceipt"/>) already set,
    /// which it may change before it writes; the request body is readable. <see cref="RedirectAfterPayment"/> takes
    /// precedence. An idempotent replay of a paid request calls it again.
    /// </summary>
    public Func<HttpContext, CredentialVerification, Task>? PaidResponse { get; init; }

    /// <summary>
    /// Binds the request body to challenges with the <c>digest</c> parameter for POST, PUT and PATCH requests and any request
    /// with a body, and checks it on payment (mismatch: <c>verification-failed</c>). Default <see langword="true"/>.
    /// </summary>
    public bool DigestBinding { get; init; } = true;

    /// <summary>How several challenges are written. Default <see cref="ChallengeHeaderStyle.SeparateFields"/>.</summary>
    public ChallengeHeaderStyle ChallengeHeaderStyle { get; init; } = ChallengeHeaderStyle.SeparateFields;

    /// <summary>
    /// Filters and orders the challenges by the request's <c>Accept-Payment</c> header (core spec § "Client Payment
    /// Preferences"). Default <see langword="true"/>.
    /// </summary>
    public bool HonorAcceptPayment { get; init; } = true;

    /// <summary>A <c>Retry-After</c> (whole seconds) added to the route's 402 and forced-status responses, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Overrides <see cref="MppTestServerOptions.ChallengeLifetime"/> for this route; zero or negative issues challenges that
    /// are already expired.
    /// </summary>
    public TimeSpan? ChallengeLifetime { get; init; }

    /// <summary>
    /// The first N otherwise valid payments are refused with <c>verification-failed</c> and a fresh challenge; the challenge
    /// is not consumed. Default 0.
    /// </summary>
    public int ForcedVerificationFailures { get; init; }

    /// <summary>
    /// The first N otherwise valid payments are answered with <see cref="ForcedStatusCode"/> (no challenge, no receipt, the
    /// challenge not consumed, so the same credential can be sent again). Default 0.
    /// </summary>
    public int ForcedStatusAttempts { get; init; }

    /// <summary>The status of the <see cref="ForcedStatusAttempts"/> responses. Default 503.</summary>
    public int ForcedStatusCode { get; init; } = 503;

    /// <summary>Leaves the <c>Payment-Receipt</c> header out of paid responses. Default <see langword="false"/>.</summary>
    public bool OmitReceipt { get; init; }

    /// <summary>
    /// When set, a paid request is answered with a redirect to this absolute or relative URL (with the receipt) instead of the
    /// body: the payment is taken.
    /// </summary>
    public string? RedirectAfterPayment { get; init; }

    /// <summary>The status of the <see cref="RedirectAfterPayment"/> response. Default 302.</summary>
    public int RedirectStatusCode { get; init; } = 302;
}
