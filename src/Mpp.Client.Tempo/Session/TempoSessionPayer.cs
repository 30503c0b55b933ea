using System.Net;
using System.Numerics;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Pays a request on a route already paid through a session with a voucher sent on the first try — one round trip, no 402
/// in between — reusing the route's challenge while it is valid (draft-tempo-session-00 § "Session Flow", steps 8–9). The
/// voucher meets the same policy (allow-lists, per-request caps) and is counted in the same ledger as one paid after a 402.
/// </summary>
internal sealed class TempoSessionPayer(TempoSessionManager sessions) : IPreemptivePayer
{
    private static readonly HttpRequestOptionsKey<Attached> State = new("Mpp.Tempo.Session.Attached");

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = ["Authorization", Challenge.PaymentAuthorizationHeader];

    public async ValueTask<bool> TryAttachAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !sessions.TryGetTicket(uri, out var ticket))
        {
            return false;
        }

        var header = ticket.Challenge.CredentialHeaderName ?? "Authorization";
        if (request.Headers.Contains(header) || request.Headers.Contains(Challenge.PaymentAuthorizationHeader))
        {
            return false; // the caller's own credential stays; a 402 will say what to pay
        }

        var price = ticket.Request.Amount;
        var channel = sessions.Usable(await sessions.Store.GetAsync(ticket.Key, cancellationToken).ConfigureAwait(false), ticket.Request);
        if (channel is null || TempoSessionManager.NextCumulative(channel, price) > channel.Deposit)
        {
            return false; // no channel, or a top-up is due: the 402 path handles it
        }

        var policy = sessions.Policy();
        var terms = new PaymentTerms(price, ticket.Request.Currency, ticket.Request.Recipient) { DepositEntryId = channel.DepositEntryId };
        if (policy.TryQuote(ticket.Challenge, terms, uri, null, out _) is not { } quote)
        {
            return false; // refused by policy: the 402 path gives the caller the typed refusal
        }

        var auth = await policy.AuthorizeAsync(quote, null, cancellationToken).ConfigureAwait(false);
        if (!auth.Approved)
        {
            return false;
        }

        var ledger = sessions.Ledger();
        var gate = sessions.LockOf(ticket.Key);
        Credential credential;
        BigInteger cumulative;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            channel = sessions.Usable(await sessions.Store.GetAsync(ticket.Key, cancellationToken).ConfigureAwait(false), ticket.Request);
            cumulative = channel is null ? BigInteger.Zero : TempoSessionManager.NextCumulative(channel, price);
            if (channel is null || cumulative > channel.Deposit)
            {
                await ledger.CompleteAsync(auth.ReservationId, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
                return false;
            }

            var voucher = await sessions.SignVoucherAsync(channel, cumulative, cancellationToken).ConfigureAwait(false);
            // Saved before the voucher leaves the process: no later voucher is signed for less.
            await sessions.Store.SaveAsync(channel with { HighestSigned = cumulative, HighestSignature = voucher.Signature }, CancellationToken.None).ConfigureAwait(false);
            var payload = SessionPayloads.ToJson(new SessionVoucherPayload(channel.ChannelId, TempoSessionManager.DescriptorOf(channel), cumulative, voucher.Signature));
            credential = Credential.Create(ticket.Challenge, payload, sessions.Source(channel.ChainId));
        }
        catch
        {
            await ledger.CompleteAsync(auth.ReservationId, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            gate.Release();
        }

        request.Headers.TryAddWithoutValidation(header, credential.ToHeaderValue());
        await ledger.MarkSentAsync(auth.ReservationId, channel.ChannelId, CancellationToken.None).ConfigureAwait(false);
        request.Options.Set(State, new Attached(auth.ReservationId, ticket, cumulative, quote));
        return true;
    }

    private static readonly HttpRequestOptionsKey<bool> Gone = new("Mpp.Tempo.Session.Gone");

    private static readonly HttpRequestOptionsKey<PaymentOutcome> Paid = new("Mpp.Tempo.Session.Paid");

    public PaymentOutcome? GetOutcome(HttpRequestMessage request, HttpResponseMessage response) =>
        request.Options.TryGetValue(Paid, out var outcome) ? outcome : null;

    public bool ShouldResendWithout(HttpRequestMessage request, HttpResponseMessage response) =>
        request.Options.TryGetValue(Gone, out var gone) && gone;

    public async ValueTask OnResponseAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(State, out var attached))
        {
            return;
        }

        request.Options.Set(State, null!);
        var ledger = sessions.Ledger();
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            PaymentReceipt? receipt = null;
            if (response.Headers.TryGetValues("Payment-Receipt", out var values))
            {
                try
                {
                    receipt = PaymentReceipt.Parse(values.First());
                }
                catch (MppException)
                {
                }
            }

            await ledger.CompleteAsync(attached.ReservationId, LedgerOutcome.Settled, receipt?.Reference, null, CancellationToken.None).ConfigureAwait(false);
            request.Options.Set(Paid, new PaymentOutcome(PaymentStatus.Paid) { Quote = attached.Quote, Receipt = receipt, LedgerEntryId = attached.ReservationId, Rounds = 1 });
            await sessions.OnVoucherAcceptedAsync(attached.Ticket.Key, attached.Ticket.Request.Amount, attached.Cumulative, receipt).ConfigureAwait(false);
            return;
        }

        if (status is HttpStatusCode.PaymentRequired or HttpStatusCode.Gone)
        {
            // Refused: the voucher was not taken (the deposit, counted, bounds what a server holding it could claim).
            await ledger.CompleteAsync(attached.ReservationId, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
            sessions.Forget(request.RequestUri!);
            await sessions.OnVoucherRefusedAsync(attached.Ticket.Key, status == HttpStatusCode.Gone ? null : await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false), status == HttpStatusCode.Gone).ConfigureAwait(false);
            // draft-tempo-session-00 § "Rejection and Error Responses": 410 = channel finalized or not found. Evicted above;
            // the request goes once more without the voucher, and the 402 it meets opens a new channel.
            request.Options.Set(Gone, status == HttpStatusCode.Gone);
            return;
        }

        // Anything else: the voucher may have been taken; it stays counted until reconciled.
        await ledger.CompleteAsync(attached.ReservationId, LedgerOutcome.Unknown, null, null, CancellationToken.None).ConfigureAwait(false);
    }

    private static async ValueTask<PaymentProblem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered: the payment flow reads the same body next.
            return PaymentProblem.TryParse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private sealed record Attached(Guid ReservationId, TempoSessionManager.RouteTicket Ticket, BigInteger Cumulative, PaymentQuote Quote);
}
