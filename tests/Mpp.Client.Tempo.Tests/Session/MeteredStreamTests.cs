using System.Net;
using System.Net.ServerSentEvents;
using System.Numerics;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// <see cref="TempoSessions.StreamAsync"/> against the testing package's metered SSE route
/// (<see cref="TempoTestVerifier.MapSessionStream"/>): a real Kestrel server, the fake chain's escrow, real vouchers.
/// </summary>
public sealed class MeteredStreamTests
{
    private const long Price = 1_000;

    private static readonly string[] Words = [.. Enumerable.Range(1, 12).Select(i => $"token{i}")];

    [Fact]
    public async Task A_stream_pays_token_by_token_and_the_close_settles_what_the_server_charged()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Verifier.MapSessionStream(payer.Server, "/stream", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words });
        var uri = payer.Server.Url("/stream");
        var sessions = payer.Provider.GetRequiredService<TempoSessions>();

        // Twice: the first request opens the channel, the second pays its first token with a voucher.
        for (var run = 1; run <= 2; run++)
        {
            var events = new List<TempoStreamEvent>();
            await foreach (var e in sessions.StreamAsync(payer.Http, new HttpRequestMessage(HttpMethod.Get, uri)))
            {
                events.Add(e);
            }

            Assert.Equal(Words, events.Where(e => e.Kind == TempoStreamEventKind.Data).Select(e => e.Data));
            Assert.All(events.Where(e => e.Kind == TempoStreamEventKind.Data), e => Assert.Equal("message", e.EventType));
            var receipt = Assert.Single(events, e => e.Kind == TempoStreamEventKind.Receipt);
            Assert.Same(receipt, events[^1]);
            var channel = Assert.Single(await sessions.ListChannelsAsync());
            Assert.Equal(run * Words.Length * Price, (long)receipt.Spent!.Value);
            Assert.Equal(Words.Length, SessionReceipt.FromJson(System.Text.Json.JsonDocument.Parse(receipt.Data).RootElement).Units);
            Assert.Equal(payer.Verifier.SessionSpent(channel.ChannelId), receipt.Spent);

            // The request's own open/voucher paid the first token; the stream authorized one voucher per further token.
            Assert.Equal((Words.Length - 1) * Price, (long)receipt.Authorized);
            Assert.Equal(run * Words.Length * Price, (long)channel.Counted);
        }

        var open = Assert.Single(await sessions.ListChannelsAsync());
        var closed = await sessions.CloseAsync(uri);

        Assert.Equal(2 * Words.Length * Price, (long)closed.Spent);
        Assert.Equal(open.Deposit - closed.Spent, closed.Refunded);
        Assert.True(payer.Chain.GetChannel(open.ChannelId)!.IsClosed);
        Assert.Equal(2 * Words.Length * Price, (long)payer.Chain.BalanceOf(TempoChains.PathUsd, payer.Verifier.SessionPayee));
    }

    [Fact]
    public async Task A_stream_stops_at_its_cost_limit_and_the_server_charged_only_what_was_authorized()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Verifier.MapSessionStream(payer.Server, "/stream", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words });
        var uri = payer.Server.Url("/stream");
        var sessions = payer.Provider.GetRequiredService<TempoSessions>();

        var events = new List<TempoStreamEvent>();
        await foreach (var e in sessions.StreamAsync(payer.Http, new HttpRequestMessage(HttpMethod.Get, uri), maxCost: 4 * Price))
        {
            events.Add(e);
        }

        // 1 token paid by the open, 4 by vouchers within maxCost; the 6th would cross it.
        Assert.Equal(Words[..5], events.Where(e => e.Kind == TempoStreamEventKind.Data).Select(e => e.Data));
        var stop = events[^1];
        Assert.Equal(TempoStreamEventKind.Stopped, stop.Kind);
        Assert.Equal("payment-need-voucher", stop.EventType);
        Assert.Contains("cost limit", stop.StopReason, StringComparison.Ordinal);
        Assert.Equal(4 * Price, (long)stop.Authorized);
        Assert.DoesNotContain(events, e => e.Kind == TempoStreamEventKind.Receipt);

        var channel = Assert.Single(await sessions.ListChannelsAsync());
        Assert.Equal(5 * Price, (long)channel.Counted);
        Assert.Equal(5 * Price, (long)payer.Verifier.SessionSpent(channel.ChannelId));

        var closed = await sessions.CloseAsync(uri);
        Assert.Equal(5 * Price, (long)closed.Spent);
        Assert.Equal(channel.Deposit - 5 * Price, closed.Refunded);
        Assert.Equal(5 * Price, (long)payer.Chain.BalanceOf(TempoChains.PathUsd, payer.Verifier.SessionPayee));
    }

    [Fact]
    public async Task A_payment_error_event_ends_the_stream_with_a_typed_error_carrying_the_problem()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Verifier.MapSessionStream(payer.Server, "/stream", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words, PaymentErrorAfterTokens = 3 });
        var uri = payer.Server.Url("/stream");
        var sessions = payer.Provider.GetRequiredService<TempoSessions>();

        var data = new List<string>();
        var error = await Assert.ThrowsAsync<TempoStreamException>(async () =>
        {
            await foreach (var e in sessions.StreamAsync(payer.Http, new HttpRequestMessage(HttpMethod.Get, uri)))
            {
                data.Add(e.Data);
            }
        });

        Assert.Equal(Words[..3], data);
        Assert.Equal(MppErrorCode.PaymentRejected, error.Code);
        Assert.Equal(PaymentProblemType.VerificationFailed, error.Problem!.Kind);
        Assert.Equal(402, error.Problem.Status);
        var channel = Assert.Single(await sessions.ListChannelsAsync());
        Assert.Equal(3 * Price, (long)payer.Verifier.SessionSpent(channel.ChannelId));

        var closed = await sessions.CloseAsync(uri);
        Assert.Equal(3 * Price, (long)closed.Spent);
    }

    [Fact]
    public async Task Without_a_voucher_the_stream_asks_once_then_sends_a_payment_error_and_ends()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Verifier.MapSessionStream(payer.Server, "/stream", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words, VoucherTimeout = TimeSpan.FromMilliseconds(300) });
        var uri = payer.Server.Url("/stream");

        // Read the stream by hand (the paying client pays the 402 with an open) and never answer the voucher request.
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await payer.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var header = SessionReceipt.FromReceipt(PaymentReceipt.Parse(response.Headers.GetValues("Payment-Receipt").Single()));
        Assert.Equal(Price, (long)header.Spent);
        Assert.Equal(1, header.Units);

        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            items.Add(item);
        }

        Assert.Equal(["message", "payment-need-voucher", "payment-error"], items.Select(i => i.EventType));
        var need = SessionNeedVoucher.FromJson(System.Text.Json.JsonDocument.Parse(items[1].Data).RootElement);
        Assert.Equal(header.ChannelId, need.ChannelId);
        Assert.Equal(2 * Price, (long)need.RequiredCumulative);
        Assert.Equal(Price, (long)need.AcceptedCumulative);
        var problem = PaymentProblem.TryParse(System.Text.Encoding.UTF8.GetBytes(items[2].Data))!;
        Assert.Equal(PaymentProblemType.PaymentRequired, problem.Kind);
        Assert.Equal(Price, (long)payer.Verifier.SessionSpent(header.ChannelId));
    }

    [Fact]
    public async Task A_bad_route_setting_is_refused_with_a_clear_error()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        var noTokens = Assert.Throws<ArgumentException>(() => payer.Verifier.MapSessionStream(payer.Server, "/s", new TempoSessionStreamOptions { PricePerToken = "1000" }));
        Assert.Contains("token", noTokens.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentException>(() => payer.Verifier.MapSessionStream(payer.Server, "/s", new TempoSessionStreamOptions { PricePerToken = "0", Tokens = Words }));
        Assert.Contains("PricePerToken", zero.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => payer.Verifier.MapSessionStream(payer.Server, "/s", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words, VoucherTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => payer.Verifier.MapSessionStream(payer.Server, "s", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = Words }));
    }
}
