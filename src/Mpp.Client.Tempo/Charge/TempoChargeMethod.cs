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
/// The tempo/charge wallet (draft-tempo-charge-01). Pull mode (§ "Transaction Payload"): it signs a 0x76 transaction
/// with one <c>transferWithMemo</c> per payee and an expiring nonce and hands it to the server
/// (<c>{"signature": "0x76…", "type": "transaction"}</c>). Push mode (§ "Hash Payload"): it broadcasts the same
/// transaction itself, waits for the receipt and sends <c>{"hash", "type": "hash"}</c>. A zero amount is paid with the
/// EIP-712 proof (<c>{"signature", "type": "proof"}</c>). Shape from mppx 0.11.0 <c>src/tempo/client/Charge.ts</c>.
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

    private readonly ITempoSigner _signer;
    private readonly Func<ulong, TempoRpcClient?> _rpc;
    private readonly TimeProvider _time;
    private readonly TempoChargeOptions _options;
    private readonly TempoGasCache _gas;
    private readonly QuotedFees _quoted;

    /// <summary>A wallet paying on the chains of <paramref name="rpc"/> (the allow-list), signing with <paramref name="signer"/>.</summary>
    public TempoChargeMethod(ITempoSigner signer, IReadOnlyDictionary<ulong, TempoRpcClient> rpc, TimeProvider time, TempoChargeOptions options)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        var chains = new Dictionary<ulong, TempoRpcClient>(rpc);
        Nodes = chains.Values.Distinct().ToArray();
        NodesByChain = chains;
        _signer = signer;
        _rpc = chain => chains.GetValueOrDefault(chain);
        _time = time;
        _options = options with { Chains = chains.Keys.ToHashSet() };
        _gas = new TempoGasCache(_options.GasEstimateLifetime, time);
        _quoted = new QuotedFees(time);
        try
        {
            Address = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(EvmAddress.Normalize(signer.Address));
        }
        catch (FormatException)
        {
            throw new ArgumentException("The Tempo signer's address is not a 20-byte hex address.", nameof(signer));
        }
    }

    /// <summary>A wallet with one node for every chain of <paramref name="options"/> (tests, single-node setups).</summary>
    public TempoChargeMethod(TempoPrivateKey key, TempoRpcClient rpc, TimeProvider time, TempoChargeOptions? options = null)
        : this(new TempoKeySigner(key), (options ?? new TempoChargeOptions()).Chains.ToDictionary(c => c, _ => rpc), time, options ?? new TempoChargeOptions())
    {
        ArgumentNullException.ThrowIfNull(rpc);
    }

    public string Method => "tempo";

    public IReadOnlyCollection<string> Intents => Sessions is null ? ChargeOnly : ChargeAndSession;

    private static readonly string[] ChargeOnly = ["charge"];
    private static readonly string[] ChargeAndSession = ["charge", "session"];

    /// <summary>The session side of the wallet (<c>tempo/session</c>), when sessions are configured.</summary>
    internal Session.TempoSessionManager? Sessions { get; private set; }

    /// <summary>The checked <c>Mpp:Tempo:Session</c> settings, when sessions are configured.</summary>
    internal Session.TempoSessionSettings? SessionSettings { get; init; }

    /// <summary>Turns sessions on with the services they need (the ledger, policy and HTTP come from DI, resolved late).</summary>
    internal Session.TempoSessionManager EnableSessions(Session.TempoSessionSettings settings, Session.IChannelStore store, Func<Ledger.IPaymentLedger> ledger,
        Func<Policy.SpendingPolicy> policy, Func<HttpClient> http, Microsoft.Extensions.Logging.ILogger logger) =>
        Sessions = new Session.TempoSessionManager(_signer, Address, _rpc, store, settings, ledger, policy, http, _time, logger);

    /// <inheritdoc />
    public ValueTask OnAnsweredAsync(PaymentAttempt attempt, Payments.PaymentExchangeResult result, CancellationToken cancellationToken) =>
        Sessions is { } sessions && attempt.Quote.Intent == "session" ? sessions.OnAnsweredAsync(attempt, result, cancellationToken) : default;

    /// <summary>The nodes of the configured chains (for reconciliation).</summary>
    internal IReadOnlyList<TempoRpcClient> Nodes { get; }

    /// <summary>The node of each configured chain (for the account's balance).</summary>
    internal IReadOnlyDictionary<ulong, TempoRpcClient> NodesByChain { get; } = new Dictionary<ulong, TempoRpcClient>();

    /// <summary>The payer address (EIP-55, as viem's <c>account.address</c>; the <c>source</c> DID carries it).</summary>
    public string Address { get; }

    /// <summary>Terms without I/O: no fee bound. The flow calls <see cref="ReadTermsAsync"/>.</summary>
    public PaymentTerms ReadTerms(Challenge challenge)
    {
        if (challenge.Intent == "session")
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "A tempo/session challenge is read asynchronously.");
        }

        var request = ReadRequest(challenge);
        return Terms(request, fee: null);
    }

    public async ValueTask<PaymentTerms> ReadTermsAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        if (challenge.Intent == "session")
        {
            return Sessions is { } sessions
                ? await sessions.ReadTermsAsync(challenge, cancellationToken).ConfigureAwait(false)
                : throw new MppException(MppErrorCode.PolicyRefused, "Tempo sessions are off (set Mpp:Tempo:Session:MaxDeposit).");
        }

        var request = ReadRequest(challenge);
        if (request.Amount.IsZero || request.FeePayer)
        {
            return Terms(request, fee: null);
        }

        static Exception Invalid(string m) => new MppException(MppErrorCode.InvalidChallenge, m);
        var rpc = await NodeAsync(request, Invalid, cancellationToken).ConfigureAwait(false);
        var draft = Unsigned(request, challenge, validBefore: null, fees: null, gas: 0);
        var (gas, fees) = await GasAndFeesAsync(rpc, request, draft, Invalid, cancellationToken).ConfigureAwait(false);
        _quoted.Remember(challenge.Id, fees);
        return Terms(request, new PaymentFee(MaxFee(gas, fees.MaxFeePerGas), request.Currency));
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.Quote.Intent == "session")
        {
            return Sessions is { } sessions
                ? await sessions.CreatePayloadAsync(attempt, cancellationToken).ConfigureAwait(false)
                : throw Refused("Tempo sessions are off (set Mpp:Tempo:Session:MaxDeposit).");
        }

        var challenge = attempt.Quote.Challenge;
        TempoChargeRequest request;
        TempoSubmissionMode mode;
        try
        {
            request = TempoChargeRequestReader.Read(challenge, _options);
            mode = SelectMode(request);
        }
        catch (MppException e)
        {
            throw Refused(e.Message, e);
        }

        var source = SourceElement(request.ChainId);
        if (request.Amount.IsZero)
        {
            var digest = TempoProof.Hash(TempoProofVersion.V3, request.ChainId, challenge.Id, challenge.Realm, Address);
            var proof = await SignAsync(digest, cancellationToken).ConfigureAwait(false);
            return new PaymentPayload(PayloadElement("signature"u8, Hex.Encode(proof.ToRsv()), "proof"), source);
        }

        var rpc = await NodeAsync(request, m => Refused(m), cancellationToken).ConfigureAwait(false);
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

        var draft = Unsigned(request, challenge, validBefore, fees: null, gas: 0);
        var (gas, fees) = await GasAndFeesAsync(rpc, request, draft, m => Refused(m), cancellationToken, _quoted.Take(challenge.Id)).ConfigureAwait(false);
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
        transaction.Validate();
        var signature = await SignAsync(transaction.SignatureHash(), cancellationToken).ConfigureAwait(false);
        var envelope = transaction.Encode(signature);
        var hash = Hex.Encode(Keccak.Hash(envelope));
        if (mode == TempoSubmissionMode.Push)
        {
            var receipt = await TempoPush.BroadcastAsync(rpc, attempt, envelope, hash, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
            if (receipt.GasUsed is { } used && receipt.EffectiveGasPrice is { } price)
            {
                attempt.ReportActualFee(BigInteger.Min(MaxFee(used, price), attempt.Quote.Terms.Fee?.MaxAmount ?? BigInteger.Zero));
            }

            return new PaymentPayload(PayloadElement("hash"u8, hash, "hash"), source) { WalletReference = hash };
        }

        var wire = request.FeePayer
            ? Hex.Encode(transaction.EncodeFeePayerHandoff(signature, Address))
            : Hex.Encode(envelope);
        return new PaymentPayload(PayloadElement("signature"u8, wire, "transaction"), source)
        {
            // With a fee payer the final hash depends on the server's co-signature: the sender-signed hash is still a
            // stable reference for this attempt, marked so that reconciliation does not look it up as a final hash.
            WalletReference = request.FeePayer ? TempoReconciler.SponsoredPrefix + hash : hash,
        };
    }

    /// <summary>
    /// draft-tempo-charge-01 § "Submission Modes" and § "Hash Settlement": choose an advertised mode; never push when the
    /// server pays fees; push only when allowed by <see cref="TempoOptions.AllowPush"/>.
    /// </summary>
    private TempoSubmissionMode SelectMode(TempoChargeRequest request)
    {
        var push = request.PushAllowed && !request.FeePayer && _options.AllowPush;
        if (request.Amount.IsZero || (request.PullAllowed && (_options.PreferredMode == TempoSubmissionMode.Pull || !push)))
        {
            return TempoSubmissionMode.Pull;
        }

        if (push)
        {
            return TempoSubmissionMode.Push;
        }

        throw new MppException(MppErrorCode.InvalidChallenge, request.FeePayer
            ? "The request accepts push mode only, which cannot be used when the server pays the fees."
            : "The request accepts push mode only, and this wallet does not broadcast payments (AllowPush is false).");
    }

    private TempoChargeRequest ReadRequest(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!string.Equals(challenge.Method, Method, StringComparison.Ordinal) || !string.Equals(challenge.Intent, "charge", StringComparison.Ordinal))
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "Not a tempo/charge challenge.");
        }

        var request = TempoChargeRequestReader.Read(challenge, _options);
        SelectMode(request);
        return request;
    }

    private static PaymentTerms Terms(TempoChargeRequest request, PaymentFee? fee) =>
        new(request.Amount, request.Currency, request.Recipient)
        {
            Recipients = [.. request.Transfers.Select(t => t.Recipient)],
            Fee = fee,
            Kind = PaymentKind.Charge,
        };

    /// <summary>The node for the request's chain, after checking it is that chain (the allow-list is the node map).</summary>
    private async ValueTask<TempoRpcClient> NodeAsync(TempoChargeRequest request, Func<string, Exception> refuse, CancellationToken cancellationToken)
    {
        if (_rpc(request.ChainId) is not { } rpc)
        {
            throw refuse("methodDetails.chainId names a chain this wallet has no node for.");
        }

        ulong nodeChainId;
        try
        {
            nodeChainId = await rpc.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw refuse($"The Tempo node could not be asked for its chain id ({e.GetType().Name}).");
        }

        return nodeChainId == request.ChainId
            ? rpc
            : throw refuse("The challenge's chain id is not the chain of the configured Tempo node.");
    }

    private async ValueTask<TempoSignature> SignAsync(byte[] digest, CancellationToken cancellationToken)
    {
        try
        {
            return await TempoSigning.SignAsync(_signer, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoSignerException e)
        {
            throw Refused(e.Message, e);
        }
    }

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

    /// <summary>
    /// The gas limit (a reused estimate of the same shape, or the node's) plus the margin, and the fee data: the data
    /// the terms were quoted with moments ago when <paramref name="quoted"/> is given (its fee bound is what was
    /// reserved), so that signing costs no second fee round trip.
    /// </summary>
    private async Task<(ulong Gas, TempoFeeData Fees)> GasAndFeesAsync(TempoRpcClient rpc, TempoChargeRequest request, TempoTransaction draft, Func<string, Exception> refuse, CancellationToken cancellationToken, TempoFeeData? quoted = null)
    {
        try
        {
            if (!_gas.TryGet(request, draft.Calls, out var estimate))
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
                estimate = await rpc.EstimateGasAsync(estimateShape, Address, cancellationToken).ConfigureAwait(false);
                _gas.Set(request, draft.Calls, estimate);
            }

            var fees = quoted ?? await rpc.GetFeeDataAsync(cancellationToken).ConfigureAwait(false);
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
        JsonSerializer.SerializeToElement(AttributionMemo.Source(chainId, Address), TempoChargeJsonContext.Default.String);

    private static JsonElement PayloadElement(ReadOnlySpan<byte> field, string value, string type)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(field, value);
            writer.WriteString("type"u8, type);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    internal static PaymentMethodException Refused(string reason, Exception? inner = null, bool fundsMayHaveMoved = false) =>
        new(MppErrorCode.CredentialCreationFailed, reason, fundsMayHaveMoved: fundsMayHaveMoved, innerException: inner);

    public override string ToString() => $"TempoChargeMethod {{ Address = {Address} }}";
}
