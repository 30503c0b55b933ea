using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Protocol;
using Mpp.Client.TestSupport;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A loopback server speaking a made-up second payment scheme, "fake": requirements in a <c>Fake-Required</c> header
/// (base64url JSON), the payment in <c>Fake-Payment</c>, the settlement in <c>Fake-Response</c>. It also answers the
/// core's Payment scheme (any credential for a challenge it issued) and accepts a pre-emptive <c>Fake-Voucher</c>.
/// </summary>
internal sealed class SchemeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SchemeServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request's headers of interest, in order.</summary>
    public ConcurrentQueue<(string Path, string? Authorization, string? FakePayment, string? Voucher)> Requests { get; } = new();

    /// <summary>Payments the server settled, by scheme.</summary>
    public ConcurrentQueue<string> Settled { get; } = new();

    /// <summary>Vouchers it accepts.</summary>
    public ConcurrentDictionary<string, bool> GoodVouchers { get; } = new(StringComparer.Ordinal);

    public static async Task<SchemeServer> StartAsync()
    {
        var app = LoopbackHost.Create();
        var server = new SchemeServer(app);
        app.Run(server.HandleAsync);
        server.BaseAddress = await LoopbackHost.StartAsync(app);
        return server;
    }

    public Uri Url(string path) => new(BaseAddress, path);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        string? Header(string name) => context.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        var authorization = Header("Authorization");
        var fake = Header("Fake-Payment");
        var voucher = Header("Fake-Voucher");
        Requests.Enqueue((path, authorization, fake, voucher));

        if (voucher == "v-gone")
        {
            context.Response.StatusCode = StatusCodes.Status410Gone; // the voucher's channel is gone
            return;
        }

        if (voucher is not null && GoodVouchers.ContainsKey(voucher))
        {
            Settled.Enqueue("voucher");
            await context.Response.WriteAsync("paid by voucher");
            return;
        }

        if (fake is not null && path.StartsWith("/fake", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(Base64Url.Decode(fake));
            if (doc.RootElement.TryGetProperty("sig", out var sig) && sig.GetString() == "ok")
            {
                Settled.Enqueue("fake");
                context.Response.Headers["Fake-Response"] = Base64Url.Encode(Encoding.UTF8.GetBytes("""{"status":"success","method":"fakepay2","timestamp":"2026-11-30T00:00:00Z","reference":"fake-ref-1"}"""));
                await context.Response.WriteAsync("paid by fake");
                return;
            }
        }

        if (authorization is not null && authorization.StartsWith("Payment ", StringComparison.Ordinal))
        {
            var credential = Credential.Parse(authorization);
            if (credential.Challenge.Id.StartsWith("srv-", StringComparison.Ordinal))
            {
                Settled.Enqueue("payment");
                await context.Response.WriteAsync("paid by Payment");
                return;
            }
        }

        context.Response.StatusCode = 402;
        using var request = JsonDocument.Parse("""{"amount":"7","currency":"usd","recipient":"acct_fake"}""");
        if (path.StartsWith("/fake", StringComparison.Ordinal) || path.StartsWith("/both", StringComparison.Ordinal))
        {
            context.Response.Headers["Fake-Required"] = Base64Url.Encode(Encoding.UTF8.GetBytes("""{"amount":"7","currency":"usd","payTo":"acct_fake","scheme":"exact"}"""));
        }

        if (!path.StartsWith("/fake", StringComparison.Ordinal))
        {
            var challenge = Challenge.Create("srv-" + Guid.NewGuid().ToString("N"), "scheme-server", "test", "charge", request.RootElement);
            context.Response.Headers.WWWAuthenticate = challenge.ToHeaderValue();
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
