using System.Buffers;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// The tempo/charge wallet, pull mode only (draft-tempo-charge-01 § "Transaction Payload"): it signs a 0x76
/// transaction with one <c>transferWithMemo</c> per payee and an expiring nonce, and hands it to the server in the
/// credential (<c>{"signature": "0x76…", "type": "transaction"}</c>); the server broadcasts it. A zero amount is paid
/// with the EIP-712 proof (<c>{"signature", "type": "proof"}</c>). Shape from mppx 0.11.0
/// <c>src/tempo/client/Charge.ts</c>.
/// </summary>
/// <remarks>
/// When the client pays fees, the declared fee bound is ceil(gas limit × maxFeePerGas / 10^12) base units of the fee
/// token: Tempo prices gas in attodollars (10^-18 USD) and TIP-20 stablecoins have 6 decimals, so the fee is
/// ceil(fee × gas / 10^12) (docs.tempo.xyz/protocol/fees/spec-fee, "Fee units"). The transaction signed later never
/// exceeds the bound declared (and reserved) before it: a higher fee at signing time is refused, nothing is signed.
/// </remarks>
internal sealed class TempoChargeMethod : IPaymentMethod
{
    private static readonly BigInteger AttodollarsPerBaseUnit = BigInteger.Pow(10, 12);

    private readonly TempoPrivateKey _key;
    private readonly TempoRpcClient _rpc;
    private readonly TimeProvider _time;
    private readonly TempoChargeOptions _options;

    public TempoChargeMethod(TempoPrivateKey key, TempoRpcClient rpc, TimeProvider time, TempoChargeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(time);
        _key = key;
        _rpc = rpc;
        _time = time;
        _options = options ?? new TempoChargeOptions();
    }

    public string Method => "tempo";

    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    /// <summary>The payer address (EIP-55).</summary>
    public string Address => _key.Address;

    /// <summary>Terms without I/O: no fee bound. The flow calls <see cref="ReadTermsAsync"/>.</summary>
    public PaymentTerms ReadTerms(Challenge challenge)
    {
        var request = ReadRequest(challenge);
        return Terms(request, fee: null);
    }

    public async ValueTask<PaymentTerms> ReadTermsAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        var request = ReadRequest(challenge);
        if (request.Amount.IsZero || request.FeePayer)
        {
            return Terms(request, fee: null);
        }

        ulong nodeChainId;
        try
        {
            nodeChainId = await _rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "The Tempo node could not be asked for its chain id.", e);
        }

        if (nodeChainId != request.ChainId)
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "The challenge's chain id is not the chain of the configured Tempo node.");
        }

        var (gas, fees) = await GasAndFeesAsync(request, Unsigned(request, challenge, validBefore: null, fees: null, gas: 0), cancellationToken, refuse: m => new MppException(MppErrorCode.InvalidChallenge, m)).ConfigureAwait(false);
        return Terms(request, new PaymentFee(MaxFee(gas, fees.MaxFeePerGas), request.Currency));
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var challenge = attempt.Quote.Challenge;
        TempoChargeRequest request;
        try
        {
            request = TempoChargeRequestReader.Read(challenge, _options);
        }
        catch (MppException e)
        {
            throw Refused(e.Message, e);
        }

        var source = SourceElement(request.ChainId);
        if (request.Amount.IsZero)
        {
            var proof = TempoProof.Sign(_key, request.ChainId, challenge.Id, challenge.Realm);
            return new PaymentPayload(PayloadElement(proof, "proof"), source);
        }

        ulong nodeChainId;
        try
        {
            nodeChainId = await _rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw Refused("The Tempo node could not be asked for its chain id.", e);
        }

        if (nodeChainId != request.ChainId)
        {
            throw Refused("The challenge's chain id is not the chain of the configured Tempo node.");
        }

        var now = _time.GetUtcNow();
        var expires = attempt.Quote.ExpiresAt;
        if (expires is { } at && at <= now)
        {
            throw Refused("The challenge has expired.");
        }

        var validBefore = TempoNonce.ValidBefore(now, expires);
        if (validBefore <= (ulong)now.ToUnixTimeSeconds())
        {
            throw Refused("The challenge expires within the current second.");
        }

        var (gas, fees) = await GasAndFeesAsync(request, Unsigned(request, challenge, validBefore, fees: null, gas: 0), cancellationToken, refuse: m => Refused(m)).ConfigureAwait(false);
        if (!request.FeePayer)
        {
            var declared = attempt.Quote.Terms.Fee;
            if (declared is null || !string.Equals(declared.Currency, request.Currency, StringComparison.OrdinalIgnoreCase)
                || MaxFee(gas, fees.MaxFeePerGas) > declared.MaxAmount)
            {
                throw Refused("The network fee rose above the fee bound declared for this payment.");
            }
        }

        var transaction = Unsigned(request, challenge, validBefore, fees, gas);
        var signed = transaction.Sign(_key);
        var wire = request.FeePayer
            ? Hex.Encode(transaction.EncodeFeePayerHandoff(signed.Signature, signed.Sender))
            : signed.ToHex();
        return new PaymentPayload(PayloadElement(wire, "transaction"), source)
        {
            // With a fee payer the final hash depends on the server's co-signature; the sender-signed hash is still a
            // stable reference for this attempt.
            WalletReference = Hex.Encode(signed.Hash),
        };
    }

    private TempoChargeRequest ReadRequest(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!string.Equals(challenge.Method, Method, StringComparison.Ordinal) || !string.Equals(challenge.Intent, "charge", StringComparison.Ordinal))
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "Not a tempo/charge challenge.");
        }

        return TempoChargeRequestReader.Read(challenge, _options);
    }

    private static PaymentTerms Terms(TempoChargeRequest request, PaymentFee? fee) =>
        new(request.Amount, request.Currency, request.Recipient)
        {
            Recipients = [.. request.Transfers.Select(t => t.Recipient)],
            Fee = fee,
            Kind = PaymentKind.Charge,
        };

    private TempoTransaction Unsigned(TempoChargeRequest request, Challenge challenge, ulong? validBefore, TempoFeeData? fees, ulong gas)
    {
        var attribution = AttributionMemo.Encode(challenge.Id, challenge.Realm, _options.ClientId);
        return new TempoTransaction
        {
            ChainId = request.ChainId,
            MaxPriorityFeePerGas = fees?.MaxPriorityFeePerGas ?? BigInteger.Zero,
            MaxFeePerGas = fees?.MaxFeePerGas ?? BigInteger.Zero,
            Gas = gas,
            Calls = [.. request.Transfers.Select(t => Tip20Calls.TransferWithMemo(request.Currency, t.Recipient, t.Amount, t.Memo ?? attribution))],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = validBefore ?? TempoNonce.ValidBefore(_time.GetUtcNow(), challenge.ExpiresAt),
            FeeToken = request.Currency,
            FeePayer = request.FeePayer,
        };
    }

    private async Task<(ulong Gas, TempoFeeData Fees)> GasAndFeesAsync(TempoChargeRequest request, TempoTransaction draft, CancellationToken cancellationToken, Func<string, Exception> refuse)
    {
        try
        {
            // mppx estimates before switching to fee-payer mode, with the fee token set (Charge.ts).
            var estimateShape = new TempoTransaction
            {
                ChainId = draft.ChainId,
                Calls = draft.Calls,
                NonceKey = draft.NonceKey,
                Nonce = draft.Nonce,
                ValidBefore = draft.ValidBefore,
                FeeToken = request.Currency,
            };
            var estimate = await _rpc.EstimateGasAsync(estimateShape, _key.Address, cancellationToken).ConfigureAwait(false);
            var fees = await _rpc.GetFeeDataAsync(cancellationToken).ConfigureAwait(false);
            return (checked(estimate + _options.GasMargin), fees);
        }
        catch (TempoRpcException e)
        {
            throw refuse($"The Tempo node refused the gas estimate or fee data ({e.GetType().Name}).");
        }
        catch (OverflowException)
        {
            throw refuse("The Tempo node's gas estimate is out of range.");
        }
    }

    /// <summary>ceil(gas × maxFeePerGas / 10^12): attodollars to 6-decimal base units (Tempo fee spec, "Fee units").</summary>
    internal static BigInteger MaxFee(ulong gas, BigInteger maxFeePerGas)
    {
        var atto = new BigInteger(gas) * maxFeePerGas;
        var quotient = BigInteger.DivRem(atto, AttodollarsPerBaseUnit, out var remainder);
        return remainder.IsZero ? quotient : quotient + 1;
    }

    private JsonElement SourceElement(ulong chainId) =>
        JsonSerializer.SerializeToElement(AttributionMemo.Source(chainId, _key.Address), TempoChargeJsonContext.Default.String);

    private static JsonElement PayloadElement(string signature, string type)
    {
        var buffer = new ArrayBufferWriter<byte>(signature.Length + 48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("signature"u8, signature);
            writer.WriteString("type"u8, type);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static PaymentMethodException Refused(string reason, Exception? inner = null) =>
        new(MppErrorCode.CredentialCreationFailed, reason, innerException: inner);

    public override string ToString() => $"TempoChargeMethod {{ Address = {_key.Address} }}";
}
