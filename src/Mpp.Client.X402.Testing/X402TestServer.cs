using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.Testing.Hosting;
using Mpp.Client.X402.Testing.Internal;

namespace Mpp.Client.X402.Testing;

/// <summary>
/// An x402 resource server on 127.0.0.1 (real Kestrel; v1 or v2 per route, the <c>exact</c> scheme on EVM) for testing code
/// that pays with <c>Mpp.Client.X402</c>. A route answers 402 with its requirement (v1: the JSON body
/// <c>{x402Version, error, accepts}</c>; v2: the <c>PAYMENT-REQUIRED</c> header), verifies a payment header
/// (<c>X-PAYMENT</c> / <c>PAYMENT-SIGNATURE</c>) as the official facilitator does — the EIP-712 signature recovered with
/// Nethereum's implementation to <c>from</c>, <c>to</c> the route's <c>payTo</c>, <c>value</c> exactly the price, the
/// window holding now and 6 more seconds, the nonce never seen — and answers 200 with the settlement header
/// (<c>X-PAYMENT-RESPONSE</c> / <c>PAYMENT-RESPONSE</c>), or 402 again with the reason in <c>error</c>. Nothing reaches a
/// chain: the settlement's transaction hash is made up, and <see cref="Payments"/> is the ledger.
/// </summary>
public sealed class X402TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X402TestServerOptions _options;
    private readonly ExactVerifier _verifier;
    private readonly ConcurrentDictionary<string, X402TestRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<X402TestPayment> _payments = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private int _headersReceived;
    private int _mppPaid;
    private int _disposed;

    private X402TestServer(WebApplication app, X402TestServerOptions options)
    {
        _app = app;
        _options = options;
        _verifier = new ExactVerifier(options.TimeProvider);
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every payment accepted, in order.</summary>
    public IReadOnlyList<X402TestPayment> Payments => [.. _payments];

    /// <summary>The reason of every payment refused (the facilitator's codes, e.g. <c>nonce_already_used</c>), in order.</summary>
    public IReadOnlyList<string> Refusals => [.. _refusals];

    /// <summary>How many requests carried an x402 payment header.</summary>
    public int PaymentHeadersReceived => Volatile.Read(ref _headersReceived);

    /// <summary>How many requests were paid with MPP (an <c>Authorization: Payment</c> credential the MPP server accepted).</summary>
    public int MppPaymentsAccepted => Volatile.Read(ref _mppPaid);

    /// <summary>
    /// A JSON-RPC endpoint standing for the chain (<c>Mpp:X402:Rpc:&lt;chain id&gt;</c> of the payer): it answers
    /// <c>eth_call</c> of EIP-3009's <c>authorizationState(authorizer, nonce)</c> on any token — true for the nonces of the
    /// payments this server settled — and refuses every other call.
    /// </summary>
    public Uri RpcEndpoint => new(BaseAddress, RpcPath.TrimStart('/'));

    /// <summary>The sum of the accepted payments' values, in the tokens' base units.</summary>
    public BigInteger SettledTotal => _payments.Aggregate(BigInteger.Zero, static (s, p) => s + BigInteger.Parse(p.Value, CultureInfo.InvariantCulture));

    /// <summary>Starts a server on <c>127.0.0.1</c>, on a port the system picks.</summary>
    /// <param name="options">The clock and the MPP server for routes that also offer MPP; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<X402TestServer> StartAsync(X402TestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackHost.Create();
        var server = new X402TestServer(app, options ?? new X402TestServerOptions());
        app.Run(server.HandleAsync);
        server.BaseAddress = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>The absolute URL of <paramref name="path"/> on this server.</summary>
    /// <param name="path">A path such as <c>/weather</c>.</param>
    public Uri Url(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(BaseAddress, path.TrimStart('/'));
    }

    /// <summary>Maps (or replaces) a paid route at <paramref name="path"/>.</summary>
    /// <param name="path">The path, e.g. <c>/weather</c>.</param>
    /// <param name="route">What the route asks for.</param>
    /// <exception cref="InvalidOperationException">The route offers MPP and the options name no MPP server.</exception>
    public X402TestServer Map(string path, X402TestRoute route)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(route);
        if (route.MppPrice is { } price)
        {
            var mpp = _options.Mpp ?? throw new InvalidOperationException("A route that offers MPP needs X402TestServerOptions.Mpp.");
            mpp.MapPaid(path, price);
        }

        _routes[path] = route;
        return this;
    }

    /// <summary>Stops the server and releases its port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"x402 test server {BaseAddress}";

    private const string RpcPath = "/x402-test/rpc";

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path == RpcPath && HttpMethods.IsPost(context.Request.Method))
        {
            await ChainRpc.AnswerAsync(context, _payments).ConfigureAwait(false);
            return;
        }

        if (!_routes.TryGetValue(path, out var route))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var url = BaseAddress.GetLeftPart(UriPartial.Authority) + path;
        var requirement = Requirement(route, url);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (route.MppPrice is not null && authorization.StartsWith("Payment ", StringComparison.Ordinal))
        {
            if (await PayWithMppAsync(context, path, authorization).ConfigureAwait(false))
            {
                return;
            }
        }
        else if ((route.Version == 1 ? context.Request.Headers["X-PAYMENT"] : context.Request.Headers["PAYMENT-SIGNATURE"]).ToString() is { Length: > 0 } header)
        {
            Interlocked.Increment(ref _headersReceived);
            if (route.LoseResponse == X402ResponseLoss.BeforeSettlement)
            {
                context.Abort();
                return;
            }

            var (payment, refusal) = _verifier.Verify(path, route, requirement, header);
            if (payment is not null)
            {
                _payments.Enqueue(payment);
                if (route.LoseResponse == X402ResponseLoss.AfterSettlement)
                {
                    context.Abort();
                    return;
                }

                var settlement = new JsonObject
                {
                    ["success"] = true,
                    ["transaction"] = payment.Transaction,
                    ["network"] = payment.Network,
                    ["payer"] = payment.From,
                };
                context.Response.Headers[route.Version == 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(settlement.ToJsonString()));
                await context.Response.WriteAsync(route.Body, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            _refusals.Enqueue(refusal!);
            await Write402Async(context, path, route, requirement, url, refusal!).ConfigureAwait(false);
            return;
        }

        await Write402Async(context, path, route, requirement, url, "payment required").ConfigureAwait(false);
    }

    /// <summary>Judges an MPP credential with the MPP server; true when the request was answered (paid).</summary>
    private async Task<bool> PayWithMppAsync(HttpContext context, string path, string authorization)
    {
        Credential credential;
        try
        {
            credential = Credential.Parse(authorization);
        }
        catch (MppFormatException)
        {
            _refusals.Enqueue("malformed_mpp_credential");
            return false;
        }

        var verification = await _options.Mpp!.VerifyAsync(credential, path, context.RequestAborted).ConfigureAwait(false);
        if (!verification.Succeeded)
        {
            _refusals.Enqueue("mpp_" + verification.Problem);
            return false;
        }

        Interlocked.Increment(ref _mppPaid);
        context.Response.Headers["Payment-Receipt"] = verification.Receipt!.Serialize();
        await context.Response.WriteAsync("paid by MPP", context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    private static JsonObject Requirement(X402TestRoute route, string url)
    {
        var r = new JsonObject
        {
            ["scheme"] = route.Scheme,
            ["network"] = route.Version == 1 ? V1Network(route.Network) : route.Network,
            [route.Version == 1 ? "maxAmountRequired" : "amount"] = route.Amount,
        };
        if (route.Version == 1)
        {
            r["resource"] = route.Resource ?? url;
            r["description"] = string.Empty;
            r["mimeType"] = string.Empty;
        }

        r["payTo"] = route.PayTo;
        r["maxTimeoutSeconds"] = route.MaxTimeoutSeconds;
        r["asset"] = route.Asset;
        r["extra"] = new JsonObject { ["name"] = route.DomainName, ["version"] = route.DomainVersion };
        return r;
    }

    /// <summary>v1 names networks, not CAIP-2 ids.</summary>
    private static string V1Network(string network) => network switch
    {
        "eip155:84532" => "base-sepolia",
        "eip155:8453" => "base",
        _ => network,
    };

    private async Task Write402Async(HttpContext context, string path, X402TestRoute route, JsonObject requirement, string url, string error)
    {
        context.Response.StatusCode = StatusCodes.Status402PaymentRequired;
        if (route.MppPrice is not null)
        {
            foreach (var challenge in await _options.Mpp!.IssueChallengesAsync(path, context.RequestAborted).ConfigureAwait(false))
            {
                context.Response.Headers.Append("WWW-Authenticate", challenge.ToHeaderValue());
            }
        }

        context.Response.ContentType = "application/json";
        if (route.Version == 1)
        {
            var body = route.RawBody ?? new JsonObject { ["x402Version"] = 1, ["error"] = error, ["accepts"] = new JsonArray(requirement.DeepClone()) }.ToJsonString();
            await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var required = new JsonObject
        {
            ["x402Version"] = 2,
            ["error"] = error,
            ["resource"] = new JsonObject { ["url"] = route.Resource ?? url, ["description"] = string.Empty, ["mimeType"] = string.Empty },
            ["accepts"] = new JsonArray(requirement.DeepClone()),
        };
        context.Response.Headers["PAYMENT-REQUIRED"] = route.RawPaymentRequired ?? Convert.ToBase64String(Encoding.UTF8.GetBytes(required.ToJsonString()));
        await context.Response.WriteAsync("{}", context.RequestAborted).ConfigureAwait(false);
    }
}
