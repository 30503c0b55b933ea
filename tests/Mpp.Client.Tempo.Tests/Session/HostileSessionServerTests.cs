using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// A hostile session server: it lies in receipts, asks a stream for more than the deposit, changes its escrow
/// mid-session, and demands a top-up beyond MaxDeposit. Each is refused with nothing signed beyond what was owed.
/// </summary>
public sealed class HostileSessionServerTests : IAsyncLifetime
{
    private const string Payee = "0x2222222222222222222222222222222222222222";
    private const string OtherEscrow = "0x9999999999999999999999999999999999999999";
    private readonly ConcurrentQueue<string> _credentials = new();
    private FakeTempoChain _chain = null!;
    private WebApplication _app = null!;
    private Uri _base = null!;

    /// <summary>What the server does next, by path: the request JSON of its challenges, and what it answers a credential.</summary>
    private Func<HttpContext, Task> _paid = null!;

    public async Task InitializeAsync()
    {
        _chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            var credential = context.Request.Headers.Authorization.ToString();
            if (credential.Length > 0)
            {
                _credentials.Enqueue(context.Request.Method + " " + context.Request.Path + " " + credential);
            }

            await _paid(context);
        });
        await _app.StartAsync();
        _base = new Uri(_app.Urls.First() + "/");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _chain.DisposeAsync();
    }

    private string Request(string amount, string escrow = TempoSessionSettings.Precompile) => $$$"""
        {"amount":"{{{amount}}}","currency":"{{{FakeTempoChain.PathUsd}}}","recipient":"{{{Payee}}}","unitType":"request",
         "methodDetails":{"chainId":{{{_chain.ChainId}}},"escrowContract":"{{{escrow}}}","sessionProtocol":"v2"}}
        """;

    private static async Task ChallengeAsync(HttpContext context, string request)
    {
        using var doc = JsonDocument.Parse(request);
        var challenge = Challenge.Create(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "hostile", "tempo", "session", doc.RootElement.Clone(), DateTimeOffset.UtcNow.AddMinutes(5));
        context.Response.StatusCode = 402;
        context.Response.Headers.WWWAuthenticate = challenge.ToHeaderValue();
        await context.Response.WriteAsync("{}");
    }

    private static string ChannelIdOf(string authorization)
    {
        var credential = Credential.Parse(authorization);
        return credential.Payload.GetProperty("channelId").GetString()!;
    }

    private static string Receipt(string channelId, string accepted) => Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes(
        $$"""{"method":"tempo","intent":"session","status":"success","timestamp":"{{DateTimeOffset.UtcNow:O}}","reference":"{{channelId}}","challengeId":"x","channelId":"{{channelId}}","acceptedCumulative":"{{accepted}}","spent":"{{accepted}}"}"""));

    /// <summary>Challenges every bare request with <paramref name="request"/>; accepts every credential with a receipt from <paramref name="accepted"/>.</summary>
    private void Serve(Func<string> request, Func<string, string> accepted) => _paid = async context =>
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            await ChallengeAsync(context, request());
            return;
        }

        var channelId = ChannelIdOf(authorization);
        context.Response.Headers["Payment-Receipt"] = Receipt(channelId, accepted(authorization));
        await context.Response.WriteAsync("paid");
    };

    private ServiceProvider Payer(string maxDeposit = "1", string? deposit = null)
    {
        // Funded: the wallet has the node estimate the open's gas, which a real node refuses for an unfunded payer.
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _chain.Fund(FakeTempoChain.PathUsd, Keys.TempoPrivateKey.FromHex(key).Address, 100_000_000);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "100",
            ["Mpp:Tempo:PrivateKey"] = key,
            [$"Mpp:Tempo:Rpc:{_chain.ChainId.ToString(CultureInfo.InvariantCulture)}"] = _chain.Endpoint.ToString(),
            ["Mpp:Tempo:Session:MaxDeposit"] = maxDeposit,
            ["Mpp:Tempo:Session:Deposit"] = deposit,
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddTempo();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_receipt_claiming_more_than_was_signed_is_not_believed()
    {
        Serve(() => Request("10000"), _ => "999999999");
        await using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var first = await http.GetAsync(new Uri(_base, "paid"));
        using var second = await http.GetAsync(new Uri(_base, "paid"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var channel = Assert.Single(await provider.GetRequiredService<TempoSessions>().ListChannelsAsync());
        Assert.Equal(20_000, (long)channel.Accepted); // our own count: two vouchers of 10,000
        Assert.Equal(20_000, (long)channel.HighestSigned); // the lie did not push the next voucher up
    }

    [Fact]
    public async Task An_escrow_that_changes_mid_session_is_refused_with_no_credential_sent()
    {
        var escrow = TempoSessionSettings.Precompile;
        Serve(() => Request("10000", escrow), a => "10000");
        await using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var first = await http.GetAsync(new Uri(_base, "paid"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var sent = _credentials.Count;

        escrow = OtherEscrow;
        using var other = await http.GetAsync(new Uri(_base, "other"));

        Assert.Equal(HttpStatusCode.PaymentRequired, other.StatusCode);
        Assert.Equal(MppErrorCode.PolicyRefused, other.GetPaymentOutcome()!.Code);
        Assert.Equal(sent, _credentials.Count);
    }

    [Fact]
    public async Task A_top_up_beyond_MaxDeposit_is_refused_and_nothing_is_signed()
    {
        Serve(() => Request("600000"), a => Credential.Parse(a).Payload.TryGetProperty("cumulativeAmount", out var c) ? c.GetString()! : "0");
        await using var provider = Payer(maxDeposit: "1", deposit: "1");
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var first = await http.GetAsync(new Uri(_base, "paid")); // deposit 1.00, first voucher 0.60
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var sent = _credentials.Count;

        using var second = await http.GetAsync(new Uri(_base, "paid")); // 1.20 > 1.00: a top-up above MaxDeposit

        Assert.Equal(HttpStatusCode.PaymentRequired, second.StatusCode);
        Assert.Equal(MppErrorCode.BudgetExceeded, second.GetPaymentOutcome()!.Code);
        Assert.Equal(sent, _credentials.Count);
        var channel = Assert.Single(await provider.GetRequiredService<TempoSessions>().ListChannelsAsync());
        Assert.Equal((1_000_000L, 600_000L), ((long)channel.Deposit, (long)channel.HighestSigned));
    }

    [Fact]
    public async Task A_stream_asking_for_more_than_the_deposit_is_stopped_with_nothing_signed()
    {
        string? channelId = null;
        _paid = async context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (authorization.Length == 0)
            {
                await ChallengeAsync(context, Request("100"));
                return;
            }

            channelId = ChannelIdOf(authorization);
            context.Response.Headers["Payment-Receipt"] = Receipt(channelId, "100");
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: hello\n\n");
            await context.Response.WriteAsync($$"""event: payment-need-voucher{{"\n"}}data: {"channelId":"{{channelId}}","requiredCumulative":"5000000","acceptedCumulative":"100","deposit":"1000000"}{{"\n\n"}}""");
            await context.Response.WriteAsync("data: never paid for\n\n");
        };
        await using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        var sessions = provider.GetRequiredService<TempoSessions>();

        var events = new List<TempoStreamEvent>();
        await foreach (var e in sessions.StreamAsync(http, new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "stream"))))
        {
            events.Add(e);
        }

        Assert.Equal(["hello"], events.Where(e => e.Kind == TempoStreamEventKind.Data).Select(e => e.Data));
        Assert.Equal(TempoStreamEventKind.Stopped, events[^1].Kind);
        Assert.Contains("MaxDeposit", events[^1].StopReason, StringComparison.Ordinal);
        Assert.Single(_credentials); // the open only: no voucher was posted
        Assert.Equal(100, (long)Assert.Single(await sessions.ListChannelsAsync()).HighestSigned);
    }

    [Fact]
    public async Task A_channel_the_server_no_longer_has_is_evicted_and_reopened_once_within_the_request()
    {
        // Like wevm/mppx#467: the server lost its channel and answers its vouchers 410 channel-not-found.
        var known = new ConcurrentDictionary<string, bool>();
        var gone = 0;
        _paid = async context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (authorization.Length == 0)
            {
                await ChallengeAsync(context, Request("10000"));
                return;
            }

            var credential = Credential.Parse(authorization);
            var channelId = ChannelIdOf(authorization);
            if (credential.Payload.GetProperty("action").GetString() == "open" && known.IsEmpty)
            {
                known[channelId] = true;
            }
            else if (credential.Payload.GetProperty("action").GetString() == "voucher" && Interlocked.Exchange(ref gone, 1) == 0)
            {
                context.Response.StatusCode = 410;
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync("""{"type":"https://paymentauth.org/problems/session/channel-not-found","title":"Channel Not Found","status":410}""");
                return;
            }

            context.Response.Headers["Payment-Receipt"] = Receipt(channelId, credential.Payload.GetProperty("cumulativeAmount").GetString()!);
            await context.Response.WriteAsync("paid");
        };
        await using var provider = Payer();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var first = await http.GetAsync(new Uri(_base, "paid"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await http.GetAsync(new Uri(_base, "paid")); // voucher → 410 → bare → 402 → a new channel

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var channels = await provider.GetRequiredService<TempoSessions>().ListChannelsAsync();
        Assert.Equal(2, channels.Count);
        Assert.Single(channels, c => c.Status == TempoChannelStatus.Closed);
        Assert.Single(channels, c => c.Status == TempoChannelStatus.Open);
        Assert.Equal(["open", "voucher", "open"], _credentials.Select(c => Credential.Parse(c[(c.IndexOf("Payment", StringComparison.Ordinal))..]).Payload.GetProperty("action").GetString()));
    }
}
