using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Protocol;
using Mpp.Client.TestSupport;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Tests.Helpers;

/// <summary>What the proxy does to one request that carries a Payment credential.</summary>
public enum ProxyFault
{
    /// <summary>Forwarded and answered untouched.</summary>
    None,

    /// <summary>The connection is reset before forwarding: the server never sees the credential.</summary>
    ResetBeforeForward,

    /// <summary>Forwarded (the server settles), then the connection is reset: the client loses the answer.</summary>
    ResetAfterForward,

    /// <summary>Answered 500 without forwarding.</summary>
    Answer500,

    /// <summary>Answered 503 without forwarding.</summary>
    Answer503,

    /// <summary>Forwarded (the server settles), then answered 503 instead of the server's answer.</summary>
    ForwardThen503,

    /// <summary>Held past the client's attempt timeout, then forwarded (the server may settle after the client gave up).</summary>
    DelayBeforeForward,

    /// <summary>Forwarded (the server settles), then the answer is held past the client's attempt timeout.</summary>
    DelayAfterForward,

    /// <summary>402 <c>verification-failed</c> with a fresh challenge, without forwarding the credential.</summary>
    Answer402VerificationFailed,

    /// <summary>402 <c>invalid-challenge</c> with a fresh challenge, without forwarding the credential.</summary>
    Answer402InvalidChallenge,

    /// <summary>402 <c>payment-expired</c> with a fresh challenge, without forwarding the credential.</summary>
    Answer402PaymentExpired,

    /// <summary>402 <c>malformed-credential</c> with a fresh challenge, without forwarding the credential.</summary>
    Answer402MalformedCredential,

    /// <summary>402 <c>invalid-payload</c> with a fresh challenge, without forwarding the credential.</summary>
    Answer402InvalidPayload,

    /// <summary>402 with a fresh challenge and no problem details, without forwarding the credential.</summary>
    Answer402WithoutProblem,

    /// <summary>Forwarded (the server settles); the <c>Payment-Receipt</c> is replaced by garbage.</summary>
    GarbageReceipt,
}

/// <summary>Which send of which credential on which path the proxy is deciding about.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path (the tests give every logical request its own path).</param>
/// <param name="Credential">0 for the first distinct credential seen on this path, 1 for the next, ...</param>
/// <param name="Attempt">0 for the first send of this credential, 1 for the first resend, ...</param>
internal readonly record struct FaultContext(string Method, string Path, int Credential, int Attempt);

/// <summary>One decision of the proxy, for diagnostics.</summary>
internal sealed record ProxyEvent(string Method, string Path, int Credential, int Attempt, ProxyFault Fault, int? UpstreamStatus);

/// <summary>Settings of a <see cref="FaultInjectingProxy"/>.</summary>
internal sealed class FaultInjectingProxyOptions
{
    /// <summary>Picks the fault for a request that carries a credential. Default: none, ever.</summary>
    public Func<FaultContext, ProxyFault> ChooseFault { get; init; } = static _ => ProxyFault.None;

    /// <summary>How long the delay faults hold a request or an answer; set it past the client's attempt timeout.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A reverse proxy on Kestrel (127.0.0.1, a free port) in front of an upstream such as <c>MppTestServer</c>: requests
/// without a Payment credential pass through untouched; a request that carries one (<c>Authorization: Payment</c> or
/// <c>Payment-Authorization</c>) meets the fault that <see cref="FaultInjectingProxyOptions.ChooseFault"/> picks, as a hostile
/// network would: resets before or after the server saw it, 5xx answers, delays, fake 402s, garbage receipts.
/// </summary>
/// <remarks>
/// Forwarding never follows the client's cancellation: a request the proxy started to forward reaches the server even when
/// the client has given up (as on a real network), so call <see cref="WaitForIdleAsync"/> before reading the server's records.
/// </remarks>
internal sealed class FaultInjectingProxy : IAsyncDisposable
{
    private static readonly string[] HopByHop =
        ["Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "Host", "Content-Length", "Date", "Server"];

    private static readonly string[] GarbageReceipts =
    [
        "garbage",
        "!!!not-base64url!!!",
        Base64Url.Encode(Encoding.UTF8.GetBytes("{not json")),
        Base64Url.Encode(Encoding.UTF8.GetBytes("""{"status":"success"}""")),
        Base64Url.Encode(Encoding.UTF8.GetBytes("[1,2,3]")),
        "eyJzdGF0dXMiOiJzdWNjZXNzIiwibWV0aG9kIjoidGVzdCJ9=====",
    ];

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _upstreamBase;
    private readonly FaultInjectingProxyOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, PathState> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ProxyFault, int> _counts = new();
    private readonly ConcurrentQueue<ProxyEvent> _events = new();
    private int _inFlight;
    private int _disposed;

    private FaultInjectingProxy(WebApplication app, Uri upstreamBase, FaultInjectingProxyOptions options)
    {
        _app = app;
        _upstreamBase = upstreamBase;
        _options = options;
        _upstream = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The proxy's address, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>How many times each fault was applied (<see cref="ProxyFault.None"/> included).</summary>
    public IReadOnlyDictionary<ProxyFault, int> FaultCounts => new Dictionary<ProxyFault, int>(_counts);

    /// <summary>Every decision, in order.</summary>
    public IReadOnlyList<ProxyEvent> Events => [.. _events];

    /// <summary>How many times <paramref name="fault"/> was applied.</summary>
    public int Count(ProxyFault fault) => _counts.TryGetValue(fault, out var n) ? n : 0;

    /// <summary>Starts a proxy forwarding to <paramref name="upstream"/>.</summary>
    public static async Task<FaultInjectingProxy> StartAsync(Uri upstream, FaultInjectingProxyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var app = LoopbackHost.Create();
        var proxy = new FaultInjectingProxy(app, upstream, options ?? new FaultInjectingProxyOptions());
        app.Run(proxy.HandleAsync);
        try
        {
            proxy.BaseAddress = await LoopbackHost.StartAsync(app);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>The absolute URL of a path on the proxy.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>Waits until no request is being handled (delayed forwards included), or throws after <paramref name="timeout"/>.</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref _inFlight) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The proxy still handles {Volatile.Read(ref _inFlight)} request(s).");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _upstream.Dispose();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandleCoreAsync(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The client is gone (or the proxy stops): nobody to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(request);
        var credential = FindCredential(request.Headers);
        if (credential is null)
        {
            using var passed = await ForwardAsync(request, body, stripCredential: false);
            await CopyAsync(context, passed, replaceReceipt: null);
            return;
        }

        var path = request.Path.Value ?? "/";
        var fc = Register(request.Method, path, credential);
        var fault = _options.ChooseFault(fc);
        _counts.AddOrUpdate(fault, 1, static (_, n) => n + 1);
        int? upstreamStatus = null;
        try
        {
            switch (fault)
            {
                case ProxyFault.None:
                {
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    await CopyAsync(context, response, replaceReceipt: null);
                    return;
                }

                case ProxyFault.ResetBeforeForward:
                    context.Abort();
                    return;

                case ProxyFault.ResetAfterForward:
                {
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    await response.Content.LoadIntoBufferAsync();
                    context.Abort();
                    return;
                }

                case ProxyFault.Answer500:
                    await WritePlainAsync(context, StatusCodes.Status500InternalServerError, "proxy: internal server error");
                    return;

                case ProxyFault.Answer503:
                    await WritePlainAsync(context, StatusCodes.Status503ServiceUnavailable, "proxy: service unavailable");
                    return;

                case ProxyFault.ForwardThen503:
                {
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    await WritePlainAsync(context, StatusCodes.Status503ServiceUnavailable, "proxy: service unavailable (after forwarding)");
                    return;
                }

                case ProxyFault.DelayBeforeForward:
                {
                    await Task.Delay(_options.Delay, _stopping.Token);
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    await CopyAsync(context, response, replaceReceipt: null);
                    return;
                }

                case ProxyFault.DelayAfterForward:
                {
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    await response.Content.LoadIntoBufferAsync();
                    await Task.Delay(_options.Delay, _stopping.Token);
                    await CopyAsync(context, response, replaceReceipt: null);
                    return;
                }

                case ProxyFault.GarbageReceipt:
                {
                    using var response = await ForwardAsync(request, body, stripCredential: false);
                    upstreamStatus = (int)response.StatusCode;
                    var garbage = GarbageReceipts[(int)((uint)StableHash.Of(path, fc.Credential, fc.Attempt) % (uint)GarbageReceipts.Length)];
                    await CopyAsync(context, response, replaceReceipt: garbage);
                    return;
                }

                default:
                {
                    // A fake 402 with a genuine fresh challenge: the request is forwarded without its credential, so the
                    // server (which never sees the credential) issues new challenges for this route and body.
                    using var fresh = await ForwardAsync(request, body, stripCredential: true);
                    await WriteFake402Async(context, fresh, ProblemOf(fault));
                    return;
                }
            }
        }
        finally
        {
            _events.Enqueue(new ProxyEvent(request.Method, path, fc.Credential, fc.Attempt, fault, upstreamStatus));
        }
    }

    private static PaymentProblemType? ProblemOf(ProxyFault fault) => fault switch
    {
        ProxyFault.Answer402VerificationFailed => PaymentProblemType.VerificationFailed,
        ProxyFault.Answer402InvalidChallenge => PaymentProblemType.InvalidChallenge,
        ProxyFault.Answer402PaymentExpired => PaymentProblemType.PaymentExpired,
        ProxyFault.Answer402MalformedCredential => PaymentProblemType.MalformedCredential,
        ProxyFault.Answer402InvalidPayload => PaymentProblemType.InvalidPayload,
        ProxyFault.Answer402WithoutProblem => null,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a fake-402 fault."),
    };

    private FaultContext Register(string method, string path, string credential)
    {
        var state = _paths.GetOrAdd(path, static _ => new PathState());
        lock (state)
        {
            if (!state.Attempts.TryGetValue(credential, out var entry))
            {
                entry = (state.Attempts.Count, 0);
            }

            state.Attempts[credential] = (entry.Index, entry.Sends + 1);
            return new FaultContext(method, path, entry.Index, entry.Sends);
        }
    }

    private static string? FindCredential(IHeaderDictionary headers)
    {
        foreach (var value in headers.Authorization)
        {
            var v = value.AsSpan().TrimStart();
            if (v.StartsWith("Payment", StringComparison.OrdinalIgnoreCase) && (v.Length == 7 || v[7] is ' ' or '\t'))
            {
                return value;
            }
        }

        var other = headers[Challenge.PaymentAuthorizationHeader];
        return other.Count > 0 ? other.ToString() : null;
    }

    private static bool IsCredentialField(string name, string value) =>
        name.Equals(Challenge.PaymentAuthorizationHeader, StringComparison.OrdinalIgnoreCase)
        || (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && value.TrimStart().StartsWith("Payment", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpRequest request, byte[] body, bool stripCredential)
    {
        var target = new Uri(_upstreamBase, (request.Path.Value ?? "/") + request.QueryString.Value);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (body.Length > 0 || request.ContentLength is not null || request.Headers.ContainsKey("Content-Type"))
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null || (stripCredential && IsCredentialField(name, value)))
                {
                    continue;
                }

                if (!message.Headers.TryAddWithoutValidation(name, value))
                {
                    message.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        // Not the client's token: what the proxy started to forward reaches the server even if the client gave up.
        var response = await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead, _stopping.Token);
        return response;
    }

    private static async Task CopyAsync(HttpContext context, HttpResponseMessage upstream, string? replaceReceipt)
    {
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        foreach (var header in upstream.Headers.NonValidated.Concat(upstream.Content.Headers.NonValidated))
        {
            if (HopByHop.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (replaceReceipt is not null && header.Key.Equals("Payment-Receipt", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                response.Headers.Append(header.Key, value);
            }
        }

        if (replaceReceipt is not null)
        {
            response.Headers["Payment-Receipt"] = replaceReceipt;
        }

        var bytes = await upstream.Content.ReadAsByteArrayAsync();
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static async Task WritePlainAsync(HttpContext context, int status, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static async Task WriteFake402Async(HttpContext context, HttpResponseMessage fresh, PaymentProblemType? problem)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status402PaymentRequired;
        response.Headers.CacheControl = "no-store";
        if (fresh.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var challenges))
        {
            foreach (var challenge in challenges)
            {
                response.Headers.Append("WWW-Authenticate", challenge);
            }
        }

        if (problem is not { } kind)
        {
            response.ContentLength = 0;
            return;
        }

        var json = PaymentProblem.Create(PaymentProblem.TypeUri(kind), kind.ToString(), StatusCodes.Status402PaymentRequired, "Injected by the fault proxy; the server never saw this credential.").Raw.GetRawText();
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentType = "application/problem+json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private sealed class PathState
    {
        public Dictionary<string, (int Index, int Sends)> Attempts { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>
/// A seeded fault plan: the fault of a send depends only on the seed, the path, the credential's index on that path and the
/// send's attempt number (never on thread timing), so one seed replays the same faults for the same logical requests.
/// </summary>
internal static class FaultPlan
{
    /// <summary>Every fault except <see cref="ProxyFault.None"/>.</summary>
    public static IReadOnlyList<ProxyFault> AllFaults { get; } = [.. Enum.GetValues<ProxyFault>().Where(f => f != ProxyFault.None)];

    /// <summary>
    /// A random plan: the first send of a credential meets a fault with probability <paramref name="firstSendRate"/>, a resend
    /// with <paramref name="resendRate"/> (lower, so that retries can succeed); the fault is uniform over <paramref name="faults"/>.
    /// </summary>
    public static Func<FaultContext, ProxyFault> Random(int seed, double firstSendRate, double resendRate, IReadOnlyList<ProxyFault>? faults = null)
    {
        faults ??= AllFaults;
        return fc =>
        {
            var h = StableHash.Of(fc.Path, fc.Credential, fc.Attempt, seed);
            var unit = (h >> 11) * (1.0 / (1UL << 53));
            var rate = fc.Attempt == 0 ? firstSendRate : resendRate;
            if (unit >= rate)
            {
                return ProxyFault.None;
            }

            return faults[(int)(StableHash.Mix(h) % (ulong)faults.Count)];
        };
    }
}

/// <summary>A process-independent hash (FNV-1a, then SplitMix64 finalizers); <see cref="HashCode"/> is randomized per process.</summary>
internal static class StableHash
{
    public static ulong Of(string text, int a, int b, int seed = 0)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h = Mix(h ^ (ulong)(uint)seed);
        h = Mix(h ^ ((ulong)(uint)a << 32 | (uint)b));
        return h;
    }

    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
