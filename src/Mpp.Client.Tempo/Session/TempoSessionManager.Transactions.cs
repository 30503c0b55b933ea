using System.Net;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;

namespace Mpp.Client.Tempo.Session;

internal sealed partial class TempoSessionManager
{
    /// <summary>
    /// Adds the attempt's reserved amount to the channel's deposit: a signed <c>topUp</c> transaction sent as a body-less
    /// POST to the resource (draft-tempo-session-00 § "TopUp Payload"); on success the reservation folds into the
    /// channel's deposit entry.
    /// </summary>
    private async ValueTask<TempoChannel> TopUpAsync(PaymentAttempt attempt, TempoSessionRequest request, TempoChannel channel, CancellationToken cancellationToken)
    {
        var extra = attempt.Quote.Amount;
        if (channel.Deposit + extra > Settings.MaxDeposit)
        {
            throw new PaymentMethodException(MppErrorCode.BudgetExceeded, "A top-up would take the channel above Mpp:Tempo:Session:MaxDeposit.") { FundsProvenNotMoved = true };
        }

        var descriptor = DescriptorOf(channel);
        var fees = await FeesAsync(_rpc(request.ChainId)!, attempt, request, _time.GetUtcNow(), SessionTransactions.TopUpCall(channel.Escrow, descriptor, extra), topUp: true, cancellationToken).ConfigureAwait(false);
        var unsigned = SessionTransactions.BuildTopUp(channel.ChainId, channel.Escrow, descriptor, extra, fees, request.FeePayer ? null : request.Currency, request.FeePayer);
        SignedSessionTransaction signed;
        try
        {
            signed = await SessionTransactions.SignTopUpAsync(_signer, unsigned, channel.Escrow, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoSignerException e)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The Tempo signer failed: {e.Message}", innerException: e);
        }

        var payload = SessionPayloads.ToJson(new SessionTopUpPayload(channel.ChannelId, descriptor, signed.TransactionHex, extra));
        var credential = Credential.Create(attempt.Quote.Challenge, payload, Source(channel.ChainId));
        await attempt.MarkFundsMovingAsync(Hex.Encode(Keccak.Hash(Hex.Decode(signed.TransactionHex))), cancellationToken).ConfigureAwait(false);
        using (var response = await PostAsync(attempt.Quote.RequestUri, credential, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The server answered the top-up with status {(int)response.StatusCode}.", fundsMayHaveMoved: true);
            }
        }

        var topped = channel with { Deposit = channel.Deposit + extra, Fees = channel.Fees + (attempt.Quote.Terms.Fee?.MaxAmount ?? BigInteger.Zero) };
        await _store.SaveAsync(topped, CancellationToken.None).ConfigureAwait(false);
        // The top-up's own reservation folds into the deposit entry: grow that one first, then release this one.
        await ShrinkDepositEntryAsync(topped).ConfigureAwait(false);
        await Ledger().CompleteAsync(attempt.ReservationId, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
        return topped;
    }

    /// <summary>
    /// Closes a channel with its highest signed voucher (draft-tempo-session-00 § "Close Payload"), as a body-less POST to
    /// <paramref name="resource"/>; the server settles what was spent and refunds the rest, which the ledger releases.
    /// </summary>
    public async ValueTask<TempoSessionCloseResult> CloseAsync(string key, Uri resource, CancellationToken cancellationToken)
    {
        var gate = LockOf(key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (channel is not { Status: TempoChannelStatus.Open })
            {
                throw new MppException(MppErrorCode.InvalidChallenge, "There is no open channel to close there.");
            }

            var challenge = await ChallengeForAsync(resource, key, cancellationToken).ConfigureAwait(false);
            var cumulative = channel.HighestSigned;
            var voucher = channel.HighestSignature is { } kept ? new SignedVoucher(channel.ChannelId, cumulative, kept) : await SignVoucherAsync(channel, cumulative, cancellationToken).ConfigureAwait(false);
            var payload = SessionPayloads.ToJson(new SessionClosePayload(channel.ChannelId, DescriptorOf(channel), cumulative, voucher.Signature));
            await _store.SaveAsync(channel with { Status = TempoChannelStatus.Closing }, CancellationToken.None).ConfigureAwait(false);
            using var response = await PostAsync(resource, Credential.Create(challenge, payload, Source(channel.ChainId)), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var problem = PaymentProblem.TryParse(await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false));
                Log.CloseFailed(Logger, channel.ChannelId, $"status {(int)response.StatusCode}, {problem?.Type ?? "no problem details"}");
                await _store.SaveAsync(channel, CancellationToken.None).ConfigureAwait(false);
                throw new MppException(MppErrorCode.PaymentRejected, $"The server refused to close the channel (status {(int)response.StatusCode}, {problem?.Type ?? "no problem details"}: {problem?.Detail}).");
            }

            SessionReceipt? receipt = null;
            if (response.Headers.TryGetValues("Payment-Receipt", out var values))
            {
                try
                {
                    receipt = SessionReceipt.FromReceipt(PaymentReceipt.Parse(values.First()));
                }
                catch (Exception e) when (e is FormatException or MppException or ArgumentException)
                {
                    Log.ReceiptMismatch(Logger, channel.ChannelId, "is not a session receipt");
                }
            }

            // What the server took: its receipt's spent, never more than was signed; without one, what it accepted.
            var spent = BigInteger.Min(receipt?.Spent ?? channel.Accepted, cumulative);
            var beyond = BigInteger.Max(BigInteger.Zero, spent - channel.Counted);
            if (channel.DepositEntryId is { } entry)
            {
                await Ledger().CompleteAsync(entry, beyond.IsZero ? LedgerOutcome.Released : LedgerOutcome.Settled, receipt?.TxHash, beyond.IsZero ? null : Display(beyond), CancellationToken.None).ConfigureAwait(false);
            }

            var closed = channel with { Status = TempoChannelStatus.Closed, Counted = channel.Counted + beyond };
            await _store.SaveAsync(closed, CancellationToken.None).ConfigureAwait(false);
            foreach (var t in _tickets.Where(t => t.Value.Key == key).ToArray())
            {
                _tickets.TryRemove(t.Key, out _);
            }

            Log.Closed(Logger, channel.ChannelId, spent.ToString(System.Globalization.CultureInfo.InvariantCulture), channel.Deposit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new TempoSessionCloseResult(closed, spent, channel.Deposit - spent, receipt?.TxHash);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A challenge for <paramref name="resource"/>: the one remembered for the route, or a fresh one from a HEAD.</summary>
    private async ValueTask<Challenge> ChallengeForAsync(Uri resource, string key, CancellationToken cancellationToken)
    {
        if (TryGetTicket(resource, out var ticket) && ticket.Key == key)
        {
            return ticket.Challenge;
        }

        using var head = new HttpRequestMessage(HttpMethod.Head, resource);
        using var response = await Http().SendAsync(head, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            foreach (var parsed in ChallengeParser.Parse(response))
            {
                if (parsed.Challenge is { Method: "tempo", Intent: "session" } c)
                {
                    try
                    {
                        if (KeyOf(Read(c)) == key)
                        {
                            return c;
                        }
                    }
                    catch (MppException)
                    {
                    }
                }
            }
        }

        throw new MppException(MppErrorCode.NoPayableChallenge, "The server offers no tempo/session challenge for this channel at that resource.");
    }

    private async Task<HttpResponseMessage> PostAsync(Uri resource, Credential credential, CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, resource);
        post.Headers.TryAddWithoutValidation(credential.Challenge.CredentialHeaderName ?? "Authorization", credential.ToHeaderValue());
        try
        {
            return await Http().SendAsync(post, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The server could not be reached ({e.GetType().Name}).", fundsMayHaveMoved: true, innerException: e);
        }
    }
}
