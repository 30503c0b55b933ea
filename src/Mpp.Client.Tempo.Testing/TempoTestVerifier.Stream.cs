using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing;

/// <content>
/// Metered streaming (draft-tempo-session-00 § "Streaming", draft-payment-transport-sse-00; the wire as mppx 0.11.0 writes
/// it): a paid route that streams tokens as server-sent events and charges each one against the channel's accepted
/// voucher, asking for the next voucher with <c>payment-need-voucher</c> when it does not cover a token.
/// </content>
public sealed partial class TempoTestVerifier
{
    private readonly HashSet<string> _meteredPaths = new(StringComparer.Ordinal);

    /// <summary>
    /// Maps a metered SSE route on <paramref name="server"/> (whose <c>tempo</c> verifier this must be) that answers a
    /// <c>tempo/session</c> 402 and, once paid by an <c>open</c> or <c>voucher</c> credential, streams
    /// <see cref="TempoSessionStreamOptions.Tokens"/> as <c>message</c> events, charging
    /// <see cref="TempoSessionStreamOptions.PricePerToken"/> for each: the request's own voucher pays the first token; before
    /// each further token that the accepted voucher does not cover, the stream sends <c>payment-need-voucher</c>
    /// (<c>{channelId, requiredCumulative, acceptedCumulative, deposit}</c>) and waits for a voucher POSTed body-less to the
    /// same URL (answered 204 with a <c>Payment-Receipt</c>; top-ups and closes are answered the same way). It ends with a
    /// <c>payment-receipt</c> event, or with a <c>payment-error</c> event (problem details) when no voucher comes within
    /// <see cref="TempoSessionStreamOptions.VoucherTimeout"/>, the channel is closed, or
    /// <see cref="TempoSessionStreamOptions.PaymentErrorAfterTokens"/> says so.
    /// </summary>
    /// <param name="server">The server; its options must have this verifier registered (<c>AddVerifier</c>).</param>
    /// <param name="path">The exact path, starting with <c>/</c>.</param>
    /// <param name="options">What to stream and what it costs.</param>
    /// <returns>The route; <see cref="SessionSpent"/> tells what a channel was charged.</returns>
    /// <exception cref="ArgumentException">The price is not a positive integer, there is no token, or a setting is out of range.</exception>
    /// <remarks>
    /// Vouchers sent to this route only authorize; the stream charges. Each accepted credential is also recorded in
    /// <see cref="MppTestServer.Payments"/> at the token price, so read what a channel was charged from
    /// <see cref="SessionSpent"/>.
    /// </remarks>
    public PaidRoute MapSessionStream(MppTestServer server, string path, TempoSessionStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        if (!BigInteger.TryParse(options.PricePerToken, NumberStyles.None, CultureInfo.InvariantCulture, out var price) || price.Sign <= 0)
        {
            throw new ArgumentException("PricePerToken must be a positive integer in base units.", nameof(options));
        }

        if (options.Tokens is null || options.Tokens.Count == 0 || options.Tokens.Any(t => t is null))
        {
            throw new ArgumentException("A metered stream needs at least one token, none null.", nameof(options));
        }

        if (options.VoucherTimeout <= TimeSpan.Zero || options.PaymentErrorAfterTokens < 0)
        {
            throw new ArgumentException("VoucherTimeout must be positive and PaymentErrorAfterTokens not negative.", nameof(options));
        }

        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["unitType"] = Json("token") };
        if (options.SuggestedDeposit is { } deposit)
        {
            extra["suggestedDeposit"] = Json(deposit);
        }

        var offer = new PriceOption(options.PricePerToken, options.Currency) { Method = "tempo", Intent = "session", ExtraRequest = extra };
        var tokens = options.Tokens.ToArray();
        var route = server.MapPaid(path, new PaidRouteOptions
        {
            Prices = [offer],
            DigestBinding = false, // companion requests are body-less POSTs
            PaidResponse = (context, paid) => ServeMeteredAsync(context, paid, new MeteredStream(tokens, price, options.VoucherTimeout, options.PaymentErrorAfterTokens, server.TimeProvider)),
        });
        lock (_gate)
        {
            _meteredPaths.Add(path);
        }

        return route;
    }

    private bool IsMetered(string path)
    {
        lock (_gate)
        {
            return _meteredPaths.Contains(path);
        }
    }

    private async Task ServeMeteredAsync(HttpContext context, CredentialVerification paid, MeteredStream stream)
    {
        var receipt = paid.Receipt!;
        var channelId = receipt.Reference.ToLowerInvariant();
        var request = context.Request;
        // The credential was accepted, so it is in Authorization or, when the challenge said so, Payment-Authorization.
        var field = request.Headers.Authorization.ToString();
        var action = Credential.Parse(field.StartsWith("Payment ", StringComparison.OrdinalIgnoreCase) ? field : request.Headers[Challenge.PaymentAuthorizationHeader].ToString())
            .Payload.GetProperty("action").GetString();
        if (action is "topUp" or "close" || (HttpMethods.IsPost(request.Method) && (request.ContentLength ?? 0) == 0))
        {
            // A companion request (a voucher answering payment-need-voucher, a top-up or a close): 204 + receipt.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var challengeId = paid.Payment!.ChallengeId;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var aborted = context.RequestAborted;
        for (var i = 0; i < stream.Tokens.Count; i++)
        {
            if (stream.ErrorAfter == i)
            {
                await WriteEventAsync(response, "payment-error", Problem("verification-failed", "Verification Failed", 402, "payment error forced by the test route"), aborted).ConfigureAwait(false);
                return;
            }

            var deadline = stream.Clock.GetUtcNow() + stream.VoucherTimeout;
            var asked = false;
            while (true)
            {
                var (charged, closed, need, changed) = TryCharge(channelId, stream.Price);
                if (charged)
                {
                    break;
                }

                if (closed)
                {
                    await WriteEventAsync(response, "payment-error", Problem("stream/channel-finalized", "Channel Finalized", 410, "the payment channel was closed"), aborted).ConfigureAwait(false);
                    return;
                }

                if (!asked)
                {
                    await WriteEventAsync(response, "payment-need-voucher", need!.ToJson().GetRawText(), aborted).ConfigureAwait(false);
                    asked = true;
                }

                var left = deadline - stream.Clock.GetUtcNow();
                try
                {
                    await changed!.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, stream.Clock, aborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    return; // the client went away (e.g. it stopped at its cost limit): nothing more is charged
                }
                catch (TimeoutException)
                {
                    var detail = string.Create(CultureInfo.InvariantCulture, $"no voucher covering token {i + 1} came within {stream.VoucherTimeout.TotalSeconds:0.###} s");
                    await WriteEventAsync(response, "payment-error", Problem("payment-required", "Payment Required", 402, detail), aborted).ConfigureAwait(false);
                    return;
                }
            }

            if (!response.HasStarted)
            {
                // The first token is charged before the response starts: its receipt header says so.
                response.Headers["Payment-Receipt"] = ToReceipt(StateOf(challengeId, channelId, 1)).Serialize();
            }

            await WriteEventAsync(response, "message", stream.Tokens[i], aborted).ConfigureAwait(false);
        }

        await WriteEventAsync(response, "payment-receipt", StateOf(challengeId, channelId, stream.Tokens.Count).ToJson(stream.Clock.GetUtcNow()).GetRawText(), aborted).ConfigureAwait(false);
    }

    private (bool Charged, bool Closed, SessionNeedVoucher? Need, Task? Changed) TryCharge(string channelId, BigInteger price)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channelId, out var channel) || channel.Closed)
            {
                return (false, true, null, null);
            }

            if (channel.Accepted - channel.Spent >= price)
            {
                channel.Spent += price;
                channel.Units++;
                return (true, false, null, null);
            }

            return (false, false, new SessionNeedVoucher(channelId, channel.Spent + price, channel.Accepted, channel.Deposit), channel.Changed.Task);
        }
    }

    private SessionReceipt StateOf(string challengeId, string channelId, int units)
    {
        lock (_gate)
        {
            var channel = _channels[channelId];
            return new SessionReceipt(challengeId, channelId, channel.Accepted, channel.Spent) { Units = units, Reference = channelId };
        }
    }

    private PaymentReceipt ToReceipt(SessionReceipt state) => PaymentReceipt.FromJson(state.ToJson(_chain.TimeProvider.GetUtcNow()));

    private static string Problem(string type, string title, int status, string detail) =>
        PaymentProblem.Create(PaymentProblem.ProblemBaseUri + type, title, status, detail).Raw.GetRawText();

    private static async Task WriteEventAsync(HttpResponse response, string type, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append("event: ").Append(type).Append('\n');
        foreach (var line in data.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(text.Append('\n').ToString());
        await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record MeteredStream(IReadOnlyList<string> Tokens, BigInteger Price, TimeSpan VoucherTimeout, int? ErrorAfter, TimeProvider Clock);
}
