using System.Numerics;
using Microsoft.Extensions.Logging;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

internal sealed partial class TempoSessionManager
{
    /// <summary>Updates the channel and the ledger with the payee's answer to a credential this manager created.</summary>
    public async ValueTask OnAnsweredAsync(PaymentAttempt attempt, PaymentExchangeResult result, CancellationToken cancellationToken)
    {
        if (!_pending.TryRemove(attempt.ReservationId, out var pending))
        {
            return;
        }

        try
        {
            var accepted = result.Status == PaymentExchangeStatus.Accepted;
            var gate = LockOf(pending.Key);
            await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                var channel = await _store.GetAsync(pending.Key, CancellationToken.None).ConfigureAwait(false);
                if (channel is null)
                {
                    return;
                }

                if (!accepted)
                {
                    if (pending.Kind == PendingKind.Open)
                    {
                        // Refused with proof: the channel never opened. Otherwise it may have: never used, left for a look-up.
                        var proven = result.Status == PaymentExchangeStatus.Rejected && result.NotTaken && !result.EarlierAttemptAmbiguous;
                        await _store.SaveAsync(channel with { Status = proven ? TempoChannelStatus.Closed : TempoChannelStatus.Opening }, CancellationToken.None).ConfigureAwait(false);
                    }
                    else if (IsChannelGone(result.Problem))
                    {
                        await _store.SaveAsync(channel with { Status = TempoChannelStatus.Closed }, CancellationToken.None).ConfigureAwait(false);
                    }

                    return;
                }

                var receipt = ReadReceipt(result.Receipt, channel);
                if (pending.Kind == PendingKind.Open)
                {
                    channel = channel with { Status = TempoChannelStatus.Open };
                }

                if (pending.Kind == PendingKind.OpenAsVoucher)
                {
                    // The reservation made for an open now holds this voucher: settle it like the coordinator settles a voucher.
                    await Ledger().CompleteAsync(attempt.ReservationId, LedgerOutcome.Settled, result.Receipt?.Reference, null, CancellationToken.None).ConfigureAwait(false);
                }

                // An open's or a top-up's first voucher has no settled entry of its own yet (the coordinator's reservation
                // was the deposit's); any other voucher's reservation already is the settled child entry.
                channel = pending.Kind is PendingKind.Open or PendingKind.TopUpAndVoucher
                    ? await SpendFromDepositAsync(channel, pending.Increment, attempt.Quote.Unit, attempt.Quote.Host, result.Receipt?.Reference).ConfigureAwait(false)
                    : await MoveToSpentAsync(channel, pending.Increment).ConfigureAwait(false);
                channel = channel with { Accepted = BigInteger.Max(channel.Accepted, BigInteger.Min(receipt ?? pending.Cumulative, pending.Cumulative)) };
                await _store.SaveAsync(channel, CancellationToken.None).ConfigureAwait(false);
                Remember(attempt.Quote.RequestUri, attempt.Quote.Challenge, pending.Key);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            if (pending.Opened is { } opened)
            {
                _opening.TryRemove(new KeyValuePair<string, TaskCompletionSource>(pending.Key, opened));
                opened.TrySetResult();
            }
        }
    }

    /// <summary>A voucher sent with no 402 first was accepted: its increment moves to spent (the payer settled its entry).</summary>
    internal async ValueTask OnVoucherAcceptedAsync(string key, BigInteger increment, BigInteger cumulative, PaymentReceipt? receipt)
    {
        var gate = LockOf(key);
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (await _store.GetAsync(key, CancellationToken.None).ConfigureAwait(false) is not { } channel)
            {
                return;
            }

            var stated = ReadReceipt(receipt, channel);
            channel = await MoveToSpentAsync(channel, increment).ConfigureAwait(false);
            channel = channel with { Accepted = BigInteger.Max(channel.Accepted, BigInteger.Min(stated ?? cumulative, cumulative)) };
            await _store.SaveAsync(channel, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A voucher sent with no 402 first was refused; a channel the server no longer has is never used again.</summary>
    internal async ValueTask OnVoucherRefusedAsync(string key, PaymentProblem? problem, bool gone)
    {
        if (!gone && !IsChannelGone(problem))
        {
            return;
        }

        var gate = LockOf(key);
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (await _store.GetAsync(key, CancellationToken.None).ConfigureAwait(false) is { } channel)
            {
                await _store.SaveAsync(channel with { Status = TempoChannelStatus.Closed }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Counts an accepted voucher's increment as spent from the deposit: a settled child entry of the deposit entry, then
    /// the deposit entry shrinks (<see cref="MoveToSpentAsync"/>). In that order, so a crash in between counts too much,
    /// never too little.
    /// </summary>
    internal async ValueTask<TempoChannel> SpendFromDepositAsync(TempoChannel channel, BigInteger increment, string unit, string host, string? reference)
    {
        var ledger = Ledger();
        var child = new LedgerCharge(unit, Display(increment), host)
        {
            Method = "tempo",
            Intent = "session",
            Description = $"tempo/session voucher {channel.Origin}",
            ParentId = channel.DepositEntryId,
        };
        var reserved = await ledger.ReserveAsync(child, [], CancellationToken.None).ConfigureAwait(false);
        await ledger.MarkSentAsync(reserved.Id, channel.ChannelId, CancellationToken.None).ConfigureAwait(false);
        await ledger.CompleteAsync(reserved.Id, LedgerOutcome.Settled, reference, null, CancellationToken.None).ConfigureAwait(false);
        return await MoveToSpentAsync(channel, increment).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves an increment already counted as spent elsewhere (the coordinator's settled reservation, or a child entry)
    /// out of the channel's locked deposit entry: the channel's count rises and the deposit entry shrinks.
    /// </summary>
    internal async ValueTask<TempoChannel> MoveToSpentAsync(TempoChannel channel, BigInteger increment)
    {
        var moved = channel with { Counted = channel.Counted + increment };
        await ShrinkDepositEntryAsync(moved).ConfigureAwait(false);
        return moved;
    }

    /// <summary>Sets the deposit entry to what is still locked: deposit and fees, less what moved to spent.</summary>
    internal async ValueTask ShrinkDepositEntryAsync(TempoChannel channel)
    {
        if (channel.DepositEntryId is { } entry)
        {
            var locked = BigInteger.Max(BigInteger.Zero, channel.Deposit + channel.Fees - channel.Counted);
            await Ledger().AdjustAsync(entry, Display(locked), [], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The accepted cumulative amount a session receipt states, when it is about this channel; a receipt claiming more
    /// than was signed is not believed (the payer's own count stands) and is logged.
    /// </summary>
    private BigInteger? ReadReceipt(PaymentReceipt? receipt, TempoChannel channel)
    {
        if (receipt is null)
        {
            return null;
        }

        try
        {
            var session = SessionReceipt.FromReceipt(receipt);
            if (!string.Equals(session.ChannelId, channel.ChannelId, StringComparison.OrdinalIgnoreCase))
            {
                Log.ReceiptMismatch(Logger, channel.ChannelId, "names another channel");
                return null;
            }

            if (session.AcceptedCumulative > channel.HighestSigned)
            {
                Log.ReceiptMismatch(Logger, channel.ChannelId, "claims more than was signed");
                return null;
            }

            return session.AcceptedCumulative;
        }
        catch (Exception e) when (e is FormatException or MppException or ArgumentException)
        {
            Log.ReceiptMismatch(Logger, channel.ChannelId, "is not a session receipt");
            return null;
        }
    }

    internal static bool IsChannelGone(PaymentProblem? problem) =>
        problem?.Type is { } type && (type.EndsWith("/session/channel-not-found", StringComparison.Ordinal) || type.EndsWith("/session/channel-finalized", StringComparison.Ordinal)
            || type.EndsWith("/channel-not-found", StringComparison.Ordinal) || type.EndsWith("/channel-closed", StringComparison.Ordinal));

    /// <summary>Remembers a paid route's challenge so that the next request to it carries a voucher with no 402 first.</summary>
    internal void Remember(Uri resource, Challenge challenge, string key)
    {
        try
        {
            _tickets[RouteOf(resource)] = new RouteTicket(challenge, Read(challenge), key, challenge.ExpiresAt, resource);
        }
        catch (MppException)
        {
        }
    }

    internal bool TryGetTicket(Uri resource, out RouteTicket ticket)
    {
        if (_tickets.TryGetValue(RouteOf(resource), out ticket!))
        {
            if (ticket.Expires is not { } expires || expires - Settings.ReuseMargin > _time.GetUtcNow())
            {
                return true;
            }

            _tickets.TryRemove(RouteOf(resource), out _);
        }

        return false;
    }

    internal void Forget(Uri resource) => _tickets.TryRemove(RouteOf(resource), out _);

    internal IEnumerable<RouteTicket> Tickets => _tickets.Values;

    private static string RouteOf(Uri resource) => resource.GetLeftPart(UriPartial.Path);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "A session receipt for channel {ChannelId} {Why}; the payer's own count stands.")]
        public static partial void ReceiptMismatch(ILogger logger, string channelId, string why);

        [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "Closed channel {ChannelId}: spent {Spent} of a {Deposit} deposit (base units).")]
        public static partial void Closed(ILogger logger, string channelId, string spent, string deposit);

        [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "Closing channel {ChannelId} failed: {Reason}.")]
        public static partial void CloseFailed(ILogger logger, string channelId, string reason);
    }
}
