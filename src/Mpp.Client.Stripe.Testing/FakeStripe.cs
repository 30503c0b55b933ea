using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Stripe.Testing;

/// <summary>
/// An in-process fake of the parts of Stripe's API that Shared Payment Tokens use, on a real Kestrel server on
/// 127.0.0.1: <c>POST /v1/shared_payment/issued_tokens</c>, the test helper
/// <c>POST /v1/test_helpers/shared_payment/granted_tokens</c> and <c>POST /v1/payment_intents</c> redeeming a token
/// (<c>shared_payment_granted_token</c>, <c>confirm=true</c>). It checks the key (Bearer or Basic), the form-encoded
/// parameters (unknown ones refused like Stripe does) and idempotency keys (same key and parameters: the same object,
/// <c>Idempotent-Replayed: true</c>; same key, other parameters: an <c>idempotency_error</c>), and answers realistic
/// objects and errors: a decline (<see cref="DeclinedPaymentMethod"/>), <c>requires_action</c>
/// (<see cref="AuthenticationRequiredPaymentMethod"/>), 401 for an unknown key, 429 (<see cref="RateLimitNext"/>).
/// </summary>
/// <remarks>Error codes for token misuse (<c>shared_payment_token_used</c>, …) are this fake's; Stripe's preview API may name them otherwise.</remarks>
public sealed partial class FakeStripe : IAsyncDisposable
{
    /// <summary>A payment method that mints active tokens.</summary>
    public const string VisaPaymentMethod = "pm_card_visa";

    /// <summary>A payment method Stripe declines (402 <c>card_error</c>, <c>card_declined</c>).</summary>
    public const string DeclinedPaymentMethod = "pm_card_chargeDeclined";

    /// <summary>A payment method whose tokens need the payer's action first (<c>requires_action</c>, a <c>use_stripe_sdk</c> next action).</summary>
    public const string AuthenticationRequiredPaymentMethod = "pm_card_authenticationRequired";

    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly List<FakeStripeRequest> _requests = [];
    private readonly Dictionary<string, FakeSharedPaymentToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fingerprint, int Status, string Body)> _idempotency = new(StringComparer.Ordinal);
    private readonly List<string> _paymentIntents = [];
    private int _rateLimitNext;
    private int _counter;

    private FakeStripe(WebApplication app, TimeProvider timeProvider)
    {
        _app = app;
        TimeProvider = timeProvider;
        SecretKey = "sk_test_" + RandomId(24);
        SellerSecretKey = "sk_test_" + RandomId(24);
    }

    /// <summary>The fake's base address for Stripe.net's <c>ApiBase</c>, <c>http://127.0.0.1:&lt;port&gt;</c> (no trailing slash).</summary>
    public string ApiBase { get; private set; } = null!;

    /// <summary>The payer's test key (mints tokens).</summary>
    public string SecretKey { get; }

    /// <summary>The seller's test key (redeems tokens with PaymentIntents).</summary>
    public string SellerSecretKey { get; }

    /// <summary>The seller's network business profile: tokens limited to another profile cannot be redeemed.</summary>
    public string NetworkId { get; } = "profile_test_fakeseller";

    /// <summary>The clock tokens expire by.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>How many of the next requests are answered 429 <c>rate_limit</c> (with <c>Stripe-Should-Retry: true</c>).</summary>
    public int RateLimitNext
    {
        get { lock (_gate) { return _rateLimitNext; } }
        set { lock (_gate) { _rateLimitNext = value; } }
    }

    /// <summary>A copy of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<FakeStripeRequest> Requests
    {
        get { lock (_gate) { return [.. _requests]; } }
    }

    /// <summary>A copy of the tokens minted so far.</summary>
    public IReadOnlyList<FakeSharedPaymentToken> Tokens
    {
        get { lock (_gate) { return [.. _tokens.Values]; } }
    }

    /// <summary>The ids of the PaymentIntents that succeeded, in order.</summary>
    public IReadOnlyList<string> PaymentIntents
    {
        get { lock (_gate) { return [.. _paymentIntents]; } }
    }

    /// <summary>Starts a fake Stripe on a free loopback port.</summary>
    /// <param name="timeProvider">The clock tokens expire by; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running fake; dispose it to stop it.</returns>
    public static async Task<FakeStripe> StartAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create();
        var stripe = new FakeStripe(app, timeProvider ?? TimeProvider.System);
        app.Run(stripe.HandleAsync);
        var endpoint = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        stripe.ApiBase = endpoint.GetLeftPart(UriPartial.Authority);
        return stripe;
    }

    /// <summary>The token with id <paramref name="id"/>, or null.</summary>
    /// <param name="id">The token id.</param>
    public FakeSharedPaymentToken? FindToken(string id)
    {
        lock (_gate)
        {
            return _tokens.GetValueOrDefault(id);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"FakeStripe {{ ApiBase = {ApiBase} }}";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var formOk = true;
        if (HttpMethods.IsPost(request.Method))
        {
            if (request.ContentType is null || !request.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                formOk = false;
            }
            else
            {
                var posted = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                foreach (var (name, value) in posted)
                {
                    form[name] = value.ToString();
                }
            }
        }

        var key = ApiKey(request.Headers.Authorization.ToString());
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        var version = request.Headers["Stripe-Version"].ToString() is { Length: > 0 } v ? v : null;
        var path = request.Path.Value ?? "/";
        lock (_gate)
        {
            _requests.Add(new FakeStripeRequest(request.Method, path, form, idempotencyKey, version, key is not null));
        }

        var requestId = "req_" + RandomId(14);
        context.Response.Headers["Request-Id"] = requestId;
        bool limited;
        lock (_gate)
        {
            limited = _rateLimitNext > 0;
            if (limited)
            {
                _rateLimitNext--;
            }
        }

        if (limited)
        {
            context.Response.Headers["Stripe-Should-Retry"] = "true";
            await WriteAsync(context, 429, Error("invalid_request_error", "rate_limit", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", null, requestId)).ConfigureAwait(false);
            return;
        }

        if (key is null)
        {
            await WriteAsync(context, 401, Error("invalid_request_error", null, "Invalid API Key provided: " + Masked(request.Headers.Authorization.ToString()), null, requestId)).ConfigureAwait(false);
            return;
        }

        if (!formOk)
        {
            await WriteAsync(context, 400, Error("invalid_request_error", "parameter_invalid_string", "Requests must be form-encoded (application/x-www-form-urlencoded).", null, requestId)).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"Unrecognized request URL ({request.Method}: {path}).", null, requestId)).ConfigureAwait(false);
            return;
        }

        var fingerprint = Fingerprint(path, form);
        if (idempotencyKey is not null)
        {
            (int Status, string Body, bool Replayed)? earlier = null;
            lock (_gate)
            {
                if (_idempotency.TryGetValue(idempotencyKey, out var seen))
                {
                    earlier = seen.Fingerprint == fingerprint
                        ? (seen.Status, seen.Body, true)
                        : (400, Error("idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request.", null, requestId), false);
                }
            }

            if (earlier is { } e)
            {
                if (e.Replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }

                await WriteAsync(context, e.Status, e.Body).ConfigureAwait(false);
                return;
            }
        }

        var (status, response) = path switch
        {
            "/v1/shared_payment/issued_tokens" => Mint(form, key, testHelper: false, requestId),
            "/v1/test_helpers/shared_payment/granted_tokens" => Mint(form, key, testHelper: true, requestId),
            "/v1/payment_intents" => Redeem(form, key, requestId),
            _ => (404, Error("invalid_request_error", "resource_missing", $"Unrecognized request URL (POST: {path}).", null, requestId)),
        };
        if (idempotencyKey is not null)
        {
            lock (_gate)
            {
                _idempotency.TryAdd(idempotencyKey, (fingerprint, status, response));
            }
        }

        await WriteAsync(context, status, response).ConfigureAwait(false);
    }

    private string? ApiKey(string authorization)
    {
        string? key = null;
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            key = authorization["Bearer ".Length..].Trim();
        }
        else if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                key = decoded.Split(':')[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return key == SecretKey || key == SellerSecretKey ? key : null;
    }

    /// <summary>As Stripe does: the key's last four characters only.</summary>
    private static string Masked(string authorization) =>
        authorization.Length > 4 ? "***" + authorization[^4..] : "***";

    private static string Fingerprint(string path, Dictionary<string, string> form) =>
        path + "?" + string.Join("&", form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    private string NextId(string prefix) => prefix + Interlocked.Increment(ref _counter).ToString("D6", CultureInfo.InvariantCulture) + RandomId(10);

    private static string RandomId(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    private static Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }
}
