using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing;

/// <content>
/// Sessions (draft-tempo-session-00, protocol v2): the verification procedure of § "Verification Procedure" — the open
/// transaction broadcast to the fake chain's escrow, each voucher's signer, channel, monotonic amount and headroom checked,
/// top-ups broadcast, and the close settled on chain by the payee with what was spent (the rest refunded).
/// </content>
public sealed partial class TempoTestVerifier
{
    private readonly Dictionary<string, ServedChannel> _channels = new(StringComparer.Ordinal);

    /// <summary>The payee of session challenges (it signs the close transactions): the recipient the verifier writes.</summary>
    public string SessionPayee => _payeeKey.Address;

    /// <summary>What the server has spent on a channel so far, by channel id (lower-case), for tests to compare with the payer.</summary>
    public BigInteger SessionSpent(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId.ToLowerInvariant(), out var c) ? c.Spent : BigInteger.Zero;
        }
    }

    private JsonElement SessionRequest(JsonElement price)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in price.EnumerateObject())
            {
                if (p.NameEquals("recipient") || p.NameEquals("methodDetails"))
                {
                    continue;
                }

                p.WriteTo(w);
            }

            w.WriteString("recipient", _payeeKey.Address);
            if (!price.TryGetProperty("unitType", out _))
            {
                w.WriteString("unitType", "request");
            }

            if (!price.TryGetProperty("suggestedDeposit", out _) && _suggestedDeposit is { } suggested)
            {
                w.WriteString("suggestedDeposit", suggested.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteStartObject("methodDetails");
            w.WriteNumber("chainId", _chain.ChainId);
            w.WriteString("escrowContract", FakeTempoChain.ChannelEscrow);
            w.WriteString("sessionProtocol", "v2");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private async Task<PaymentVerificationResult> VerifySessionAsync(Credential credential, string path, CancellationToken cancellationToken)
    {
        var request = TempoSessionRequestReader.Read(credential.Challenge);
        if (request.ChainId != _chain.ChainId || EvmAddress.Normalize(request.EscrowContract) != FakeTempoChain.ChannelEscrow)
        {
            return Fail("the session challenge names another chain or escrow");
        }

        var payload = SessionPayloads.Read(credential.Payload, requireDescriptor: true);
        var descriptor = payload.Descriptor!;
        if (!IsBound(payload.ChannelId, descriptor))
        {
            return Fail("channel descriptor does not match channelId");
        }

        if (EvmAddress.Normalize(descriptor.Payee) != EvmAddress.Normalize(request.Recipient) || EvmAddress.Normalize(descriptor.Token) != EvmAddress.Normalize(request.Currency))
        {
            return Fail("the channel's payee or token is not the challenge's");
        }

        if (credential.Source is not { ValueKind: JsonValueKind.String } source
            || !string.Equals(source.GetString(), $"did:pkh:eip155:{_chain.ChainId}:{descriptor.Payer}", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("credential source does not match channel payer");
        }

        // On a metered stream route the vouchers only authorize: the stream charges each token as it sends it.
        var charge = !IsMetered(path);
        return payload switch
        {
            SessionOpenPayload open => await OpenAsync(open, request, charge, cancellationToken).ConfigureAwait(false),
            SessionVoucherPayload voucher => Voucher(voucher.ChannelId, descriptor, voucher.CumulativeAmount, voucher.Signature, request.Amount, charge),
            SessionTopUpPayload topUp => await TopUpAsync(topUp, cancellationToken).ConfigureAwait(false),
            SessionClosePayload close => await CloseAsync(close, cancellationToken).ConfigureAwait(false),
            _ => Malformed("unknown session action"),
        };
    }

    /// <summary>
    /// draft-tempo-session-00 § "Voucher Verification" step 1 (and § "Open Verification"): the descriptor binds the channel
    /// id, escrow and chain — <c>channelId = keccak256(abi.encode(descriptor…, escrow, chainId))</c>. A channel this
    /// verifier accepted was stored under the id computed from its descriptor at open (the check below ran then); a later
    /// payload naming that id with an equal descriptor is bound by that same computation, so the hash is not redone per
    /// voucher. Any other descriptor (an unknown id, or one that differs in any field) is hashed and compared.
    /// </summary>
    private bool IsBound(string channelId, ChannelDescriptor descriptor)
    {
        var id = channelId.ToLowerInvariant();
        lock (_gate)
        {
            if (_channels.TryGetValue(id, out var known) && known.Descriptor == descriptor)
            {
                return true;
            }
        }

        return descriptor.ComputeChannelId(FakeTempoChain.ChannelEscrow, _chain.ChainId) == id;
    }

    private async Task<PaymentVerificationResult> OpenAsync(SessionOpenPayload open, TempoSessionRequest request, bool charge, CancellationToken cancellationToken)
    {
        var raw = Hex.Decode(open.Transaction);
        var decoded = TempoTransactionDecoder.Decode(raw).Transaction;
        if (decoded.Calls.Count != 1 || decoded.Calls[0].To is not { } to || EvmAddress.Normalize(to) != FakeTempoChain.ChannelEscrow)
        {
            return Fail("the open transaction is not one call to the channel escrow");
        }

        var call = EscrowAbi.DecodeOpen(decoded.Calls[0].Input);
        var d = open.Descriptor!;
        if (EvmAddress.Normalize(call.Payee) != d.Payee || EvmAddress.Normalize(call.Token) != d.Token || EvmAddress.Normalize(call.Operator) != d.Operator
            || call.Salt != d.Salt || EvmAddress.Normalize(call.AuthorizedSigner) != d.AuthorizedSigner)
        {
            return Fail("the open transaction does not open the described channel");
        }

        if (call.Deposit < request.Amount || open.CumulativeAmount < request.Amount || open.CumulativeAmount > call.Deposit)
        {
            return Fail("the open's deposit or first voucher does not cover the request");
        }

        if (!SessionVoucher.Verify(SessionProtocol.V2, FakeTempoChain.ChannelEscrow, _chain.ChainId, new SignedVoucher(open.ChannelId, open.CumulativeAmount, open.Signature), d.EffectiveSigner))
        {
            return Fail("invalid voucher signature");
        }

        var hash = await _chain.Rpc.SendRawTransactionAsync(raw, cancellationToken).ConfigureAwait(false);
        var receipt = await _chain.Rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        var opened = _chain.GetChannel(open.ChannelId);
        if (receipt is null || opened is null || opened.Deposit != call.Deposit)
        {
            return Fail("the open transaction did not open the channel on chain");
        }

        lock (_gate)
        {
            _channels[open.ChannelId.ToLowerInvariant()] = new ServedChannel(d, call.Deposit) { Accepted = open.CumulativeAmount, Spent = charge ? request.Amount : BigInteger.Zero, Units = charge ? 1 : 0 };
        }

        return SessionSuccess(open.ChannelId, open.CumulativeAmount, charge ? request.Amount : BigInteger.Zero, charge ? 1 : 0, Hex.Encode(hash));
    }

    private PaymentVerificationResult Voucher(string channelId, ChannelDescriptor descriptor, BigInteger cumulative, string signature, BigInteger price, bool charge)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channelId.ToLowerInvariant(), out var channel) || channel.Closed)
            {
                return Fail("channel not found or closed");
            }

            if (channel.Descriptor != descriptor)
            {
                return Fail("credential descriptor does not match stored channel");
            }

            if (!SessionVoucher.Verify(SessionProtocol.V2, FakeTempoChain.ChannelEscrow, _chain.ChainId, new SignedVoucher(channelId, cumulative, signature), descriptor.EffectiveSigner))
            {
                return Fail("invalid voucher signature");
            }

            if (cumulative > channel.Deposit)
            {
                return Fail("voucher amount exceeds on-chain deposit");
            }

            if (cumulative <= channel.Accepted && cumulative - channel.Spent < price)
            {
                return Fail("voucher cumulativeAmount must be strictly greater than highest accepted voucher");
            }

            if (BigInteger.Max(cumulative, channel.Accepted) - channel.Spent < price)
            {
                return Fail(string.Create(CultureInfo.InvariantCulture, $"insufficient balance: requested {price}, available {BigInteger.Max(cumulative, channel.Accepted) - channel.Spent}"));
            }

            channel.Accepted = BigInteger.Max(cumulative, channel.Accepted);
            if (charge)
            {
                channel.Spent += price;
                channel.Units++;
            }

            channel.Signal();
            return SessionSuccess(channelId, channel.Accepted, channel.Spent, charge ? 1 : 0, null);
        }
    }

    private async Task<PaymentVerificationResult> TopUpAsync(SessionTopUpPayload topUp, CancellationToken cancellationToken)
    {
        var raw = Hex.Decode(topUp.Transaction);
        var decoded = TempoTransactionDecoder.Decode(raw).Transaction;
        if (decoded.Calls.Count != 1 || EscrowAbi.DecodeTopUp(decoded.Calls[0].Input) is not { } call || call.Descriptor != topUp.Descriptor || call.AdditionalDeposit != topUp.AdditionalDeposit)
        {
            return Fail("the top-up transaction does not top up the described channel by the stated amount");
        }

        var hash = await _chain.Rpc.SendRawTransactionAsync(raw, cancellationToken).ConfigureAwait(false);
        _ = await _chain.Rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_channels.TryGetValue(topUp.ChannelId.ToLowerInvariant(), out var channel))
            {
                return Fail("channel not found");
            }

            channel.Deposit = _chain.GetChannel(topUp.ChannelId)?.Deposit ?? channel.Deposit;
            channel.Signal();
            return SessionSuccess(topUp.ChannelId, channel.Accepted, channel.Spent, 0, Hex.Encode(hash));
        }
    }

    private async Task<PaymentVerificationResult> CloseAsync(SessionClosePayload close, CancellationToken cancellationToken)
    {
        ServedChannel channel;
        lock (_gate)
        {
            if (!_channels.TryGetValue(close.ChannelId.ToLowerInvariant(), out channel!) || channel.Closed)
            {
                return Fail("channel not found or closed");
            }

            if (!SessionVoucher.Verify(SessionProtocol.V2, FakeTempoChain.ChannelEscrow, _chain.ChainId, new SignedVoucher(close.ChannelId, close.CumulativeAmount, close.Signature), close.Descriptor!.EffectiveSigner)
                || close.CumulativeAmount < channel.Spent)
            {
                return Fail("the close voucher is not valid for what was spent");
            }

            channel.Closed = true;
            channel.Signal();
        }

        // The payee closes on chain capturing what it charged (mppx 0.11.0's captureAmount); the rest goes back to the payer.
        var data = EscrowAbi.EncodeClose(new EscrowCloseCall(close.Descriptor!, close.CumulativeAmount, channel.Spent, Hex.Decode(close.Signature)));
        var now = _chain.TimeProvider.GetUtcNow();
        var tx = new TempoTransaction
        {
            ChainId = _chain.ChainId,
            MaxPriorityFeePerGas = _chain.MaxPriorityFeePerGas,
            MaxFeePerGas = _chain.BaseFeePerGas * 2 + _chain.MaxPriorityFeePerGas,
            Gas = 500_000,
            Calls = [new TempoCall(FakeTempoChain.ChannelEscrow, BigInteger.Zero, data)],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = (ulong)now.AddSeconds(20).ToUnixTimeSeconds(),
            ValidAfter = (ulong)now.AddSeconds(-30).ToUnixTimeSeconds(),
            FeeToken = FakeTempoChain.PathUsd,
        };
        var signed = tx.Sign(_payeeKey);
        var hash = await _chain.Rpc.SendRawTransactionAsync(signed.Bytes.ToArray(), cancellationToken).ConfigureAwait(false);
        _ = await _chain.Rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        return SessionSuccess(close.ChannelId, channel.Accepted, channel.Spent, 0, Hex.Encode(hash));
    }

    private static PaymentVerificationResult SessionSuccess(string channelId, BigInteger accepted, BigInteger spent, int units, string? txHash)
    {
        // The receipt's session fields, written as one object and read back once (not one document per field).
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("intent"u8, "session"u8);
            w.WriteString("channelId"u8, channelId);
            w.WriteString("acceptedCumulative"u8, accepted.ToString(CultureInfo.InvariantCulture));
            w.WriteString("spent"u8, spent.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("units"u8, units);
            if (txHash is not null)
            {
                w.WriteString("txHash"u8, txHash);
            }

            w.WriteEndObject();
        }

        var fields = JsonElement.Parse(buffer.WrittenSpan);
        var extra = new Dictionary<string, JsonElement>(6, StringComparer.Ordinal);
        foreach (var p in fields.EnumerateObject())
        {
            extra[p.Name] = p.Value;
        }

        return PaymentVerificationResult.Success(channelId, extra, consumeChallenge: false);
    }

    private static JsonElement Json(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStringValue(text);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private sealed class ServedChannel(ChannelDescriptor descriptor, BigInteger deposit)
    {
        public ChannelDescriptor Descriptor { get; } = descriptor;

        public BigInteger Deposit { get; set; } = deposit;

        public BigInteger Accepted { get; set; }

        public BigInteger Spent { get; set; }

        public int Units { get; set; }

        public bool Closed { get; set; }

        /// <summary>Completes when the channel next changes (a voucher accepted, a top-up, the close).</summary>
        public TaskCompletionSource Changed { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Signal()
        {
            var changed = Changed;
            Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
