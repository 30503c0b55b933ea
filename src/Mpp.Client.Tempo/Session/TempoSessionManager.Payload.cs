using System.Numerics;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

internal sealed partial class TempoSessionManager
{
    /// <summary>
    /// Creates the credential payload for a reserved attempt: a voucher from the open channel, a top-up then a voucher, or
    /// the open of a new channel with its first voucher (draft-tempo-session-00 § "Payload Actions").
    /// </summary>
    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        TempoSessionRequest request;
        try
        {
            request = Read(attempt.Quote.Challenge);
        }
        catch (MppException e)
        {
            throw new PaymentMethodException(e.Code, e.Message, innerException: e);
        }

        var key = KeyOf(request);
        var gate = LockOf(key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (attempt.Quote.Kind == PaymentKind.Deposit && _opening.TryGetValue(key, out var inFlight))
            {
                // Another request's open of this channel is unanswered: wait for it (outside the lock), then pay into it.
                gate.Release();
                try
                {
                    await inFlight.Task.WaitAsync(OpenWait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _opening.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, inFlight));
                }
                finally
                {
                    await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            var channel = Usable(await _store.GetAsync(key, cancellationToken).ConfigureAwait(false), request);
            if (attempt.Quote.Terms.DepositEntryId is { } entry)
            {
                if (channel is null || channel.DepositEntryId != entry)
                {
                    throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The channel this voucher was quoted against is no longer open.");
                }

                return await VoucherAsync(attempt, request, channel, PendingKind.Voucher, BigInteger.Zero, cancellationToken).ConfigureAwait(false);
            }

            if (channel is not null)
            {
                if (NextCumulative(channel, request.Amount) <= channel.Deposit)
                {
                    // Quoted as an open, but a concurrent request opened the channel meanwhile: one channel, not two. The
                    // reservation shrinks to this request's price and is settled like a voucher when accepted.
                    await Ledger().AdjustAsync(attempt.ReservationId, Display(request.Amount), [], CancellationToken.None).ConfigureAwait(false);
                    return await VoucherAsync(attempt, request, channel, PendingKind.OpenAsVoucher, BigInteger.Zero, cancellationToken).ConfigureAwait(false);
                }

                var topped = await TopUpAsync(attempt, request, channel, cancellationToken).ConfigureAwait(false);
                return await VoucherAsync(attempt, request, topped, PendingKind.TopUpAndVoucher, attempt.Quote.Amount, cancellationToken).ConfigureAwait(false);
            }

            return await OpenAsync(attempt, request, key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async ValueTask<PaymentPayload> VoucherAsync(PaymentAttempt attempt, TempoSessionRequest request, TempoChannel channel, PendingKind kind, BigInteger topUp, CancellationToken cancellationToken)
    {
        var cumulative = NextCumulative(channel, request.Amount);
        if (cumulative > channel.Deposit)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The voucher would be above the channel's deposit.") { FundsProvenNotMoved = topUp.IsZero };
        }

        var voucher = await SignVoucherAsync(channel, cumulative, cancellationToken).ConfigureAwait(false);
        // Saved before the voucher leaves the process: no later voucher is signed for less.
        await _store.SaveAsync(channel with { HighestSigned = cumulative, HighestSignature = voucher.Signature, Origin = channel.Origin }, CancellationToken.None).ConfigureAwait(false);
        _pending[attempt.ReservationId] = new Pending(channel.Key, kind, cumulative, request.Amount, topUp, null);
        var payload = SessionPayloads.ToJson(new SessionVoucherPayload(channel.ChannelId, DescriptorOf(channel), cumulative, voucher.Signature));
        return new PaymentPayload(payload, Source(channel.ChainId)) { WalletReference = channel.ChannelId };
    }

    private async ValueTask<PaymentPayload> OpenAsync(PaymentAttempt attempt, TempoSessionRequest request, string key, CancellationToken cancellationToken)
    {
        var deposit = attempt.Quote.Amount;
        var rpc = _rpc(request.ChainId)!;
        var now = _time.GetUtcNow();
        var call = new EscrowOpenCall(request.Recipient, request.Operator, request.Currency, deposit, SessionTransactions.NewSalt(), EscrowAbi.ZeroAddress);
        var fees = await FeesAsync(rpc, attempt, request, now, SessionTransactions.OpenCall(request.EscrowContract, call), topUp: false, cancellationToken).ConfigureAwait(false);
        var unsigned = SessionTransactions.BuildOpen(request.ChainId, request.EscrowContract, call, fees, request.FeePayer ? null : request.Currency, request.FeePayer);
        SignedSessionTransaction signed;
        try
        {
            signed = await SessionTransactions.SignOpenAsync(_signer, unsigned, request.EscrowContract, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoSignerException e)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The Tempo signer failed: {e.Message}", innerException: e);
        }

        var d = signed.Descriptor;
        var channel = new TempoChannel
        {
            Key = key,
            Origin = attempt.Quote.Origin,
            ChannelId = signed.ChannelId,
            ChainId = request.ChainId,
            Escrow = EvmAddress.Normalize(request.EscrowContract),
            Payer = d.Payer,
            Payee = d.Payee,
            Operator = d.Operator,
            Token = d.Token,
            Salt = d.Salt,
            AuthorizedSigner = d.AuthorizedSigner,
            ExpiringNonceHash = d.ExpiringNonceHash,
            Deposit = deposit,
            HighestSigned = BigInteger.Zero,
            Fees = attempt.Quote.Terms.Fee?.MaxAmount ?? BigInteger.Zero,
            DepositEntryId = attempt.ReservationId,
            Status = TempoChannelStatus.Opening,
            OpenedAt = now,
        };
        var cumulative = request.Amount;
        var voucher = await SignVoucherAsync(channel, cumulative, cancellationToken).ConfigureAwait(false);
        if (await _store.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } replaced)
        {
            // The channel this one replaces (closed, gone, or an open never answered) stays listed under its own key: its
            // deposit may still be in escrow, to be withdrawn, and its ledger entry may still be locked.
            await _store.SaveAsync(replaced with { Key = $"{key}#{replaced.ChannelId}" }, CancellationToken.None).ConfigureAwait(false);
        }

        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _opening[key] = opened;
        await _store.SaveAsync(channel with { HighestSigned = cumulative, HighestSignature = voucher.Signature }, CancellationToken.None).ConfigureAwait(false);
        _pending[attempt.ReservationId] = new Pending(key, PendingKind.Open, cumulative, cumulative, BigInteger.Zero, opened);
        var payload = SessionPayloads.ToJson(new SessionOpenPayload(signed.ChannelId, d, signed.TransactionHex, cumulative, voucher.Signature, null));
        // The open transaction is handed to the server, who may broadcast it: its hash identifies the deposit for reconciliation.
        return new PaymentPayload(payload, Source(request.ChainId)) { WalletReference = Hex.Encode(Keccak.Hash(Hex.Decode(signed.TransactionHex))) };
    }

    /// <summary>The gas and fees of an open or top-up about to be signed: the same gas estimate the terms were quoted
    /// with (reused), and a fee bound that must not exceed the one declared and reserved.</summary>
    private async ValueTask<SessionTransactionFees> FeesAsync(TempoRpcClient rpc, PaymentAttempt attempt, TempoSessionRequest request, DateTimeOffset now, TempoCall call, bool topUp, CancellationToken cancellationToken)
    {
        var gas = await GasAsync(rpc, request, call, topUp, forCredential: true, cancellationToken).ConfigureAwait(false);
        var fees = await FeeDataAsync(rpc, forCredential: true, cancellationToken).ConfigureAwait(false);

        if (!request.FeePayer && attempt.Quote.Terms.Fee is { } declared && Charge.TempoChargeMethod.MaxFee(gas, fees.MaxFeePerGas) > declared.MaxAmount)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The network fee rose above the fee bound declared for this deposit.") { FundsProvenNotMoved = true };
        }

        var validBefore = TempoNonce.ValidBefore(now, attempt.Quote.ExpiresAt);
        return new SessionTransactionFees(gas, fees.MaxFeePerGas, fees.MaxPriorityFeePerGas, validBefore, SessionTransactions.RandomValidAfter(now));
    }

    /// <summary>Base units of a TIP-20 token (6 decimals) in its display unit, as the ledger counts them.</summary>
    public static decimal Display(BigInteger amount) => (decimal)amount / 1_000_000m;
}
