using System.Numerics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Testing.Hosting;
using Mpp.Client.Testing.Internal;

namespace Mpp.Client.Testing;

/// <summary>
/// A real Machine Payments Protocol server on Kestrel, bound to <c>127.0.0.1</c> on a free port, for integration tests and
/// demos: priced routes answer 402 with HMAC-bound <c>WWW-Authenticate: Payment</c> challenges and problem details, accept
/// credentials of the built-in <c>test</c> method (or of any method with an <see cref="ITestPaymentVerifier"/>), consume
/// challenge ids once, and answer paid requests with a <c>Payment-Receipt</c>. Every request and payment is recorded for
/// assertions. <see cref="IssueChallengesAsync"/> and <see cref="VerifyAsync"/> offer the same server without HTTP.
/// </summary>
/// <example>
/// <code>
/// await using var server = await MppTestServer.StartAsync();
/// server.MapPaid("/paid", new PriceOption("1000"));
/// using var http = new HttpClient(paymentHandler) { BaseAddress = server.BaseAddress };
/// var response = await http.GetAsync("/paid");
/// </code>
/// </example>
/// <remarks>Plain HTTP on loopback only; the spec requires TLS anywhere else.</remarks>
public sealed class MppTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerState _state;
    private readonly ChallengeIssuer _issuer;
    private readonly CredentialProcessor _processor;
    private int _disposed;

    private MppTestServer(WebApplication app, ServerState state, ChallengeIssuer issuer, CredentialProcessor processor, Uri baseAddress)
    {
        _app = app;
        _state = state;
        _issuer = issuer;
        _processor = processor;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's address, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The <c>realm</c> of every challenge.</summary>
    public string Realm => _state.Realm;

    /// <summary>The clock of challenge expiry and receipts.</summary>
    public TimeProvider TimeProvider => _state.TimeProvider;

    /// <summary>Every request received so far, in arrival order of their responses (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests;

    /// <summary>Every payment accepted and settled so far, in order (a snapshot).</summary>
    public IReadOnlyList<RecordedPayment> Payments => _state.Payments;

    /// <summary>How many challenges the server has issued (a 402 offering two prices counts two).</summary>
    public int ChallengesIssued => _state.ChallengesIssued;

    /// <summary>
    /// How many used challenge ids the server keeps to refuse a second use. An id is forgotten (every few thousand
    /// payments) once its challenge expired more than five minutes ago: from then on it is refused as expired, so a
    /// long-running server does not grow without bound.
    /// </summary>
    public int UsedChallengeIdCount => _state.ConsumedIdCount;

    /// <summary>
    /// How many credentials were refused, by problem type (<c>payment-required</c>, the answer to a request without a
    /// credential, is not a refusal and is not counted). A snapshot.
    /// </summary>
    public IReadOnlyDictionary<PaymentProblemType, int> Rejections => _state.Rejections;

    /// <summary>Starts a server on <c>127.0.0.1</c>, on a port the system picks.</summary>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">An option is invalid (e.g. a secret key shorter than 32 bytes).</exception>
    public static async Task<MppTestServer> StartAsync(MppTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MppTestServerOptions();
        options.Validate();
        var state = new ServerState(options);
        var issuer = new ChallengeIssuer(state);
        var processor = new CredentialProcessor(state);

        var app = LoopbackHost.Create();
        app.Run(new RequestDispatcher(state, new PaidRequestHandler(state, issuer, processor)).DispatchAsync);
        Uri baseAddress;
        try
        {
            baseAddress = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new MppTestServer(app, state, issuer, processor, baseAddress);
    }

    /// <summary>The absolute URL of a path on this server.</summary>
    /// <param name="pathAndQuery">A path such as <c>/paid</c> or <c>/paid?x=1</c>.</param>
    public Uri Url(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        return new Uri(BaseAddress, pathAndQuery);
    }

    /// <summary>Maps a paid route offering one challenge per price, in the given order, with default options.</summary>
    /// <param name="path">The exact path, starting with <c>/</c>; mapping it again replaces the route.</param>
    /// <param name="prices">The ways to pay, at least one.</param>
    /// <returns>The route, whose counters tests can read.</returns>
    public PaidRoute MapPaid(string path, params PriceOption[] prices) => MapPaid(path, new PaidRouteOptions { Prices = prices });

    /// <summary>Maps a paid route.</summary>
    /// <param name="path">The exact path, starting with <c>/</c>; mapping it again replaces the route.</param>
    /// <param name="options">Prices and behaviour.</param>
    /// <returns>The route, whose counters tests can read.</returns>
    /// <exception cref="ArgumentException">No price is given, or the path does not start with <c>/</c>.</exception>
    public PaidRoute MapPaid(string path, PaidRouteOptions options)
    {
        CheckPath(path);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prices is null || options.Prices.Count == 0)
        {
            throw new ArgumentException("A paid route needs at least one price.", nameof(options));
        }

        if (options.Prices.Any(p => p is null))
        {
            throw new ArgumentException("A price is null.", nameof(options));
        }

        var route = new PaidRoute(path, options);
        _state.Routes[path] = new RouteEntry(route, null);
        return route;
    }

    /// <summary>Maps a free route that answers 200 with a fixed body.</summary>
    /// <param name="path">The exact path, starting with <c>/</c>.</param>
    /// <param name="body">The response body. Default <c>free</c>.</param>
    /// <param name="contentType">The response <c>Content-Type</c>. Default <c>text/plain; charset=utf-8</c>.</param>
    public void MapFree(string path, string body = "free", string contentType = "text/plain; charset=utf-8")
    {
        CheckPath(path);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contentType);
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        MapHandler(path, async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        });
    }

    /// <summary>Maps a route that redirects, e.g. to another origin (a credential must never follow it).</summary>
    /// <param name="path">The exact path, starting with <c>/</c>.</param>
    /// <param name="target">The <c>Location</c>: an absolute URL or a path relative to this server.</param>
    /// <param name="statusCode">A 3xx status. Default 302.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 3xx.</exception>
    public void MapRedirect(string path, string target, int statusCode = StatusCodes.Status302Found)
    {
        CheckPath(path);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (statusCode is < 300 or > 399)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A redirect status is 3xx.");
        }

        MapHandler(path, context =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });
    }

    /// <summary>Maps a route to any handler (e.g. one that answers a malformed 402); its requests are recorded too.</summary>
    /// <param name="path">The exact path, starting with <c>/</c>.</param>
    /// <param name="handler">The handler; the request body is readable.</param>
    public void MapHandler(string path, RequestDelegate handler)
    {
        CheckPath(path);
        ArgumentNullException.ThrowIfNull(handler);
        _state.Routes[path] = new RouteEntry(null, handler);
    }

    /// <summary>
    /// Issues the challenges of a paid route as a request without a credential would get them, without HTTP (e.g. for a
    /// transport other than HTTP, such as MCP): one per price, each with a request written by the method's verifier. They
    /// count in <see cref="ChallengesIssued"/>; none binds a body digest, and <c>Accept-Payment</c> plays no part.
    /// </summary>
    /// <param name="path">The path of a route mapped with <c>MapPaid</c>.</param>
    /// <param name="cancellationToken">Cancels the verifiers' request writing.</param>
    /// <returns>The challenges, in the route's order.</returns>
    /// <exception cref="ArgumentException">No paid route is mapped at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidOperationException">A verifier wrote a request that is not a JSON object.</exception>
    /// <remarks>An exception thrown by a verifier's <see cref="ITestPaymentVerifier.CreateRequestAsync"/> propagates.</remarks>
    public Task<IReadOnlyList<Challenge>> IssueChallengesAsync(string path, CancellationToken cancellationToken = default) =>
        _issuer.IssueAsync(PaidRouteAt(path), ReadOnlyMemory<byte>.Empty, httpMethod: null, acceptPayment: null, cancellationToken);

    /// <summary>
    /// Judges a credential for a paid route without HTTP (e.g. for a transport other than HTTP, such as MCP), with the very
    /// checks a paid HTTP request gets: challenge binding (realm and HMAC id), route and price, expiry, single use (unless
    /// the verifier keeps the challenge), the method's verifier and the route's forced failures; then the challenge is
    /// consumed, the payment recorded in <see cref="Payments"/> and the receipt written. Refusals count in
    /// <see cref="Rejections"/> and nothing is thrown for them.
    /// </summary>
    /// <param name="credential">The credential, e.g. from <see cref="Credential.Parse"/>.</param>
    /// <param name="path">The path of a route mapped with <c>MapPaid</c>.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The payment accepted with its receipt, or the refusal as HTTP would answer it.</returns>
    /// <exception cref="ArgumentException">No paid route is mapped at <paramref name="path"/>.</exception>
    /// <remarks>
    /// There is no request here: the credential field is not checked, the body is empty (a challenge with a digest does
    /// not match it) and no <c>Idempotency-Key</c> applies.
    /// </remarks>
    public Task<CredentialVerification> VerifyAsync(Credential credential, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var route = PaidRouteAt(path);
        return _processor.VerifyAsync(new PresentedCredential(route, credential, Field: null, ReadOnlyMemory<byte>.Empty, HttpMethod: null, IdempotencyKey: null), cancellationToken);
    }

    /// <summary>The sum of the amounts settled in <paramref name="currency"/> (case-insensitive), in base units.</summary>
    /// <param name="currency">The currency, e.g. <c>usd</c>.</param>
    public BigInteger SettledTotal(string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return _state.SettledTotal(currency);
    }

    /// <summary>How many credentials were refused with <paramref name="problem"/>.</summary>
    /// <param name="problem">The problem type.</param>
    public int RejectionCount(PaymentProblemType problem) => _state.Rejections.TryGetValue(problem, out var n) ? n : 0;

    /// <summary>Stops the server and releases its port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"MPP test server {BaseAddress} (realm {Realm})";

    private PaidRoute PaidRouteAt(string path)
    {
        CheckPath(path);
        return _state.Routes.TryGetValue(path, out var entry) && entry.Paid is { } route
            ? route
            : throw new ArgumentException($"No paid route is mapped at '{path}'.", nameof(path));
    }

    private static void CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException("A route path starts with '/'.", nameof(path));
        }
    }
}
