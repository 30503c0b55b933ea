using System.Net;
using System.Numerics;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

internal sealed partial class TempoSessionManager
{
    /// <summary>
    /// Answers a stream's <c>payment-need-voucher</c> event: a voucher for the required cumulative amount, posted body-less
    /// to the stream's resource (draft-payment-transport-sse-00 § "Companion Requests"), within the same policy as any
    /// voucher, the stream's own cost limit, and the channel's deposit (topped up within <c>MaxDeposit</c> when the
    /// budget allows). Returns the amount newly authorized, or a reason to stop the stream.
    /// </summary>
    /// <exception cref="TempoStreamException">The event is not about a channel of this payer, or the server refused the voucher.</exception>
    public async ValueTask<(BigInteger Increment, string? Stop)> PayStreamVoucherAsync(Uri resource, SessionNeedVoucher need, BigInteger? costLeft, CancellationToken cancellationToken)
    {
        var channels = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        var channel = channels.FirstOrDefault(c => c.Status == TempoChannelStatus.Open && string.Equals(c.ChannelId, need.ChannelId, StringComparison.OrdinalIgnoreCase))
            ?? throw new TempoStreamException(MppErrorCode.InvalidChallenge, "The stream asked for a voucher on a channel this payer has not open.");
        var challenge = await ChallengeForAsync(resource, channel.Key, cancellationToken).ConfigureAwait(false);
        var request = Read(challenge);
        if (request.ChainId != channel.ChainId || !string.Equals(NormalizeAddress(request.EscrowContract), channel.Escrow, StringComparison.Ordinal))
        {
            throw new TempoStreamException(MppErrorCode.InvalidChallenge, "The server's challenge names another chain or escrow than the channel it asks a voucher for.");
        }

        var gate = LockOf(channel.Key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Guid reservation;
        BigInteger cumulative, increment;
        Credential credential;
        try
        {
            channel = await _store.GetAsync(channel.Key, cancellationToken).ConfigureAwait(false) ?? channel;
            var highest = BigInteger.Max(channel.HighestSigned, channel.Accepted);
            cumulative = BigInteger.Max(need.RequiredCumulative, highest + BigInteger.One);
            increment = cumulative - highest;
            if (costLeft is { } left && increment > left)
            {
                return (BigInteger.Zero, "the stream's cost limit would be crossed");
            }

            if (cumulative > channel.Deposit)
            {
                return (BigInteger.Zero, cumulative > Settings.MaxDeposit
                    ? "the server asks for more than Mpp:Tempo:Session:MaxDeposit allows in one channel"
                    : "the channel's deposit is spent (top up by paying a request, or close and reopen)");
            }

            var policy = Policy();
            var terms = new PaymentTerms(increment, request.Currency, request.Recipient) { DepositEntryId = channel.DepositEntryId };
            if (policy.TryQuote(challenge, terms, resource, null, out var refused) is not { } quote)
            {
                return (BigInteger.Zero, refused?.Reason ?? "refused by policy");
            }

            var auth = await policy.AuthorizeAsync(quote, null, cancellationToken).ConfigureAwait(false);
            if (!auth.Approved)
            {
                return (BigInteger.Zero, auth.Reason ?? "refused by policy");
            }

            reservation = auth.ReservationId;
            var voucher = await SignVoucherAsync(channel, cumulative, cancellationToken).ConfigureAwait(false);
            await _store.SaveAsync(channel with { HighestSigned = cumulative, HighestSignature = voucher.Signature }, CancellationToken.None).ConfigureAwait(false);
            credential = Credential.Create(challenge, SessionPayloads.ToJson(new SessionVoucherPayload(channel.ChannelId, DescriptorOf(channel), cumulative, voucher.Signature)), Source(channel.ChainId));
        }
        finally
        {
            gate.Release();
        }

        var ledger = Ledger();
        await ledger.MarkSentAsync(reservation, channel.ChannelId, CancellationToken.None).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await PostAsync(resource, credential, cancellationToken).ConfigureAwait(false);
        }
        catch (PaymentMethodException e)
        {
            await ledger.CompleteAsync(reservation, LedgerOutcome.Unknown, null, null, CancellationToken.None).ConfigureAwait(false);
            throw new TempoStreamException(MppErrorCode.PaymentOutcomeUnknown, "The voucher for the stream got no answer; it stays counted.", innerException: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var definite = response.StatusCode is HttpStatusCode.PaymentRequired or HttpStatusCode.Gone;
                await ledger.CompleteAsync(reservation, definite ? LedgerOutcome.Released : LedgerOutcome.Unknown, null, null, CancellationToken.None).ConfigureAwait(false);
                var problem = PaymentProblem.TryParse(await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false));
                throw new TempoStreamException(definite ? MppErrorCode.PaymentRejected : MppErrorCode.PaymentOutcomeUnknown,
                    $"The server refused the stream's voucher (status {(int)response.StatusCode}, {problem?.Type ?? "no problem details"}).", problem);
            }

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

            await ledger.CompleteAsync(reservation, LedgerOutcome.Settled, receipt?.Reference, null, CancellationToken.None).ConfigureAwait(false);
            await OnVoucherAcceptedAsync(channel.Key, increment, cumulative, receipt).ConfigureAwait(false);
        }

        return (increment, null);
    }

    private static string NormalizeAddress(string address) => Encoding.EvmAddress.Normalize(address);
}
