using System.Collections.Concurrent;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The payer's side of Tempo sessions (draft-tempo-session-00, protocol v2): one channel per chain, escrow, payee, token
/// and operator; opens it with the first paid request, pays later requests with vouchers (through a 402, or with no 402
/// at all by <see cref="TempoSessionPayer"/>), tops it up, closes it. Keeps the ledger in step: the deposit is one entry,
/// locked; each accepted voucher's increment moves from it to a settled child entry; at close the rest is released.
/// </summary>
internal sealed partial class TempoSessionManager
{
    private readonly ITempoSigner _signer;
    private readonly Func<ulong, TempoRpcClient?> _rpc;
    private readonly IChannelStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _opening = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    private readonly ConcurrentDictionary<string, RouteTicket> _tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, JsonElement> _sources = new();
    private readonly ConcurrentDictionary<(ulong ChainId, string Escrow, bool TopUp), (ulong Gas, DateTimeOffset At)> _gas = new();

    public TempoSessionManager(ITempoSigner signer, string address, Func<ulong, TempoRpcClient?> rpc, IChannelStore store, TempoSessionSettings settings,
        Func<IPaymentLedger> ledger, Func<SpendingPolicy> policy, Func<HttpClient> http, TimeProvider time, ILogger logger)
    {
        _signer = signer;
        Address = EvmAddress.Normalize(address);
        _rpc = rpc;
        _store = store;
        Settings = settings;
        Ledger = ledger;
        Policy = policy;
        Http = http;
        _time = time;
        Logger = logger;
    }

    public string Address { get; }

    public TempoSessionSettings Settings { get; }

    public IChannelStore Store => _store;

    public Func<IPaymentLedger> Ledger { get; }

    public Func<SpendingPolicy> Policy { get; }

    public Func<HttpClient> Http { get; }

    public ILogger Logger { get; }

    /// <summary>How long a request waits for another request's open of the same channel to be answered.</summary>
    public TimeSpan OpenWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the challenge and checks what must hold before anything is counted or signed.</summary>
    /// <exception cref="MppException">The request is unusable or not payable by this wallet.</exception>
    public TempoSessionRequest Read(Challenge challenge)
    {
        var request = TempoSessionRequestReader.Read(challenge);
        if (request.Protocol != SessionProtocol.V2)
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "The challenge asks for session protocol v1 (the legacy escrow contract); this wallet opens TIP-1034 (v2) channels only.");
        }

        if (_rpc(request.ChainId) is null)
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "methodDetails.chainId names a chain this wallet has no node for.");
        }

        if (!Settings.AllowedEscrows.Contains(EvmAddress.Normalize(request.EscrowContract)))
        {
            throw new MppException(MppErrorCode.PolicyRefused, "methodDetails.escrowContract is not the TIP-1034 channel escrow nor in Mpp:Tempo:Session:AllowedEscrows; the deposit would go to an unknown contract.");
        }

        if (request.Amount > Settings.MaxDeposit)
        {
            throw new MppException(MppErrorCode.BudgetExceeded, "The price of one unit is above Mpp:Tempo:Session:MaxDeposit.");
        }

        return request;
    }

    /// <summary>The store key of the channel a request pays into.</summary>
    public static string KeyOf(TempoSessionRequest request) => string.Join('|',
        request.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        EvmAddress.Normalize(request.EscrowContract), EvmAddress.Normalize(request.Recipient), EvmAddress.Normalize(request.Currency), EvmAddress.Normalize(request.Operator));

    /// <summary>The terms: a voucher paid from an open channel's deposit, a top-up, or a new channel's deposit.</summary>
    public async ValueTask<PaymentTerms> ReadTermsAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        var request = Read(challenge);
        var key = KeyOf(request);
        await WaitForOpenAsync(key, cancellationToken).ConfigureAwait(false);
        var channel = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (Usable(channel, request) is { } open)
        {
            if (NextCumulative(open, request.Amount) <= open.Deposit)
            {
                return new PaymentTerms(request.Amount, request.Currency, request.Recipient) { DepositEntryId = open.DepositEntryId };
            }

            var extra = TopUpAmount(open, request);
            var topUpCall = SessionTransactions.TopUpCall(open.Escrow, DescriptorOf(open), extra);
            return new PaymentTerms(extra, request.Currency, request.Recipient) { Kind = PaymentKind.Deposit, Fee = await FeeAsync(request, topUpCall, topUp: true, cancellationToken).ConfigureAwait(false) };
        }

        var deposit = DepositFor(request);
        return new PaymentTerms(deposit, request.Currency, request.Recipient) { Kind = PaymentKind.Deposit, Fee = await FeeAsync(request, OpenCallFor(request, deposit), topUp: false, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The open channel a request can pay into (same payer, descriptor fields and escrow), or null.</summary>
    internal TempoChannel? Usable(TempoChannel? channel, TempoSessionRequest request) =>
        channel is { Status: TempoChannelStatus.Open, DepositEntryId: not null } c
            && string.Equals(c.Payer, Address, StringComparison.Ordinal)
            && c.ChainId == request.ChainId
            ? c : null; // a channelId the server suggests is only a hint: the payer pays into the channel it opened

    /// <summary>
    /// The cumulative amount of the next voucher: the price on top of the highest amount already signed (a voucher the
    /// server may hold, or one still in flight on another request). Cumulative amounts thus rise strictly with every
    /// voucher, so concurrent requests each add their own price and none is ever lower than one the server may hold
    /// (draft-tempo-session-00 § "Cumulative Semantics"); a refused voucher costs headroom, never money.
    /// </summary>
    public static BigInteger NextCumulative(TempoChannel channel, BigInteger price) =>
        BigInteger.Max(channel.Accepted, channel.HighestSigned) + price;

    private BigInteger DepositFor(TempoSessionRequest request)
    {
        var deposit = Settings.Deposit ?? request.SuggestedDeposit ?? Settings.MaxDeposit;
        deposit = BigInteger.Min(deposit, Settings.MaxDeposit);
        return BigInteger.Max(deposit, request.Amount);
    }

    private BigInteger TopUpAmount(TempoChannel channel, TempoSessionRequest request)
    {
        var room = Settings.MaxDeposit - channel.Deposit;
        var needed = NextCumulative(channel, request.Amount) - channel.Deposit;
        var wanted = BigInteger.Max(Settings.TopUp ?? channel.Deposit, needed);
        if (needed > room)
        {
            throw new MppException(MppErrorCode.BudgetExceeded, "The channel's deposit is spent, and a top-up would take it above Mpp:Tempo:Session:MaxDeposit.");
        }

        return BigInteger.Min(wanted, room);
    }

    /// <summary>The fee bound declared with a deposit's terms: the node's gas estimate of the escrow call (plus the
    /// margin) at the node's fee cap; none when the server pays the fee.</summary>
    private async ValueTask<PaymentFee?> FeeAsync(TempoSessionRequest request, TempoCall call, bool topUp, CancellationToken cancellationToken)
    {
        if (request.FeePayer)
        {
            return null;
        }

        var rpc = _rpc(request.ChainId)!;
        var gas = await GasAsync(rpc, request, call, topUp, forCredential: false, cancellationToken).ConfigureAwait(false);
        var fees = await FeeDataAsync(rpc, forCredential: false, cancellationToken).ConfigureAwait(false);
        return new PaymentFee(TempoChargeMethod.MaxFee(gas, fees.MaxFeePerGas), request.Currency);
    }

    /// <summary>
    /// The gas limit of an open or top-up: the node's estimate of the transaction's one escrow call (mppx estimates its
    /// session transactions too), plus <see cref="TempoSessionSettings.GasMargin"/>; an estimate is reused per chain,
    /// escrow and kind for <see cref="TempoSessionSettings.GasEstimateLifetime"/>, so the terms and the transaction signed
    /// moments later use the same gas. A node that refuses the estimate (a call that would revert: an unfunded payer)
    /// fails the terms or the credential as <see cref="FeeDataAsync"/> does.
    /// </summary>
    private async ValueTask<ulong> GasAsync(TempoRpcClient rpc, TempoSessionRequest request, TempoCall call, bool topUp, bool forCredential, CancellationToken cancellationToken)
    {
        var key = (request.ChainId, call.To!, topUp);
        var now = _time.GetUtcNow();
        if (_gas.TryGetValue(key, out var cached) && now - cached.At < Settings.GasEstimateLifetime)
        {
            return checked(cached.Gas + Settings.GasMargin);
        }

        ulong estimate;
        try
        {
            var shape = new TempoTransaction
            {
                ChainId = request.ChainId,
                Calls = [call],
                NonceKey = TempoNonce.ExpiringKey,
                Nonce = 0,
                ValidBefore = TempoNonce.ValidBefore(now, null),
                FeeToken = request.Currency,
            };
            estimate = await rpc.EstimateGasAsync(shape, Address, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw NodeRefusal(forCredential, $"The Tempo node refused the gas estimate of the channel's {(topUp ? "top-up" : "open")} ({e.GetType().Name}).", e);
        }

        if (estimate is 0 or > MaxGas)
        {
            throw NodeRefusal(forCredential, $"The Tempo node's gas estimate of the channel's {(topUp ? "top-up" : "open")} is out of range.", null);
        }

        _gas[key] = (estimate, now);
        return estimate + Settings.GasMargin;
    }

    /// <summary>
    /// The node's fee data, for the fee bound declared with a deposit's terms or for the transaction signed later. A node
    /// that cannot answer fails the terms or the credential (<see cref="NodeRefusal"/>).
    /// </summary>
    private static async ValueTask<TempoFeeData> FeeDataAsync(TempoRpcClient rpc, bool forCredential, CancellationToken cancellationToken)
    {
        try
        {
            return await rpc.GetFeeDataAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw NodeRefusal(forCredential, $"The Tempo node could not be asked for fee data ({e.GetType().Name}).", e);
        }
    }

    /// <summary>What a node that cannot serve an open or top-up fails: the terms (<see cref="MppErrorCode.InvalidChallenge"/>:
    /// nothing reserved), or the credential (<see cref="MppErrorCode.CredentialCreationFailed"/>, the funds proven not moved).</summary>
    private static Exception NodeRefusal(bool forCredential, string message, Exception? inner) =>
        forCredential
            ? new PaymentMethodException(MppErrorCode.CredentialCreationFailed, message, innerException: inner) { FundsProvenNotMoved = true }
            : new MppException(MppErrorCode.InvalidChallenge, message, inner);

    /// <summary>The open call of a new channel for <paramref name="request"/> (a fresh salt; the salt does not change the gas).</summary>
    internal static TempoCall OpenCallFor(TempoSessionRequest request, BigInteger deposit) =>
        SessionTransactions.OpenCall(request.EscrowContract, new EscrowOpenCall(request.Recipient, request.Operator, request.Currency, deposit, SessionTransactions.NewSalt(), EscrowAbi.ZeroAddress));

    /// <summary>The largest gas estimate believed for one escrow call (a node answering more is refused).</summary>
    internal const ulong MaxGas = 5_000_000;

    private async ValueTask WaitForOpenAsync(string key, CancellationToken cancellationToken)
    {
        if (_opening.TryGetValue(key, out var inFlight))
        {
            try
            {
                await inFlight.Task.WaitAsync(OpenWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The other open is still unanswered (or its answer will never be reported): this request proceeds on its
                // own, and later ones stop waiting for it.
                _opening.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, inFlight));
            }
        }
    }

    public SemaphoreSlim LockOf(string key) => _locks.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// The credential's <c>source</c> (this wallet's DID on the chain), made once per chain: the checksum address costs a
    /// Keccak hash, and the element is immutable (a <see cref="JsonElement"/> of its own document, read-only, shared safely).
    /// </summary>
    public JsonElement Source(ulong chainId) =>
        _sources.GetOrAdd(chainId, static (chain, address) =>
            JsonSerializer.SerializeToElement(AttributionMemo.Source(chain, Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address)), TempoChargeJsonContext.Default.String), Address);

    public async ValueTask<SignedVoucher> SignVoucherAsync(TempoChannel channel, BigInteger cumulative, CancellationToken cancellationToken)
    {
        try
        {
            return await SessionVoucher.SignAsync(_signer, SessionProtocol.V2, channel.Escrow, channel.ChainId, channel.ChannelId, cumulative, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoSignerException e)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The Tempo signer failed: {e.Message}", innerException: e);
        }
    }

    public static ChannelDescriptor DescriptorOf(TempoChannel c) =>
        new(c.Payer, c.Payee, c.Operator, c.Token, c.Salt, c.AuthorizedSigner, c.ExpiringNonceHash);

    private sealed record Pending(string Key, PendingKind Kind, BigInteger Cumulative, BigInteger Increment, BigInteger TopUp, TaskCompletionSource? Opened);

    private enum PendingKind
    {
        Open,
        Voucher,
        OpenAsVoucher,
        TopUpAndVoucher,
    }

    /// <summary>A challenge already paid on a route, reused for the next voucher on it (no 402 in between).</summary>
    internal sealed record RouteTicket(Challenge Challenge, TempoSessionRequest Request, string Key, DateTimeOffset? Expires, Uri? Resource = null);
}
