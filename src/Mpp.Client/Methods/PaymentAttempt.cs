using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Mpp.Client.Ledger;

namespace Mpp.Client.Methods;

/// <summary>
/// One approved, reserved attempt to pay a quote, handed to <see cref="IPaymentMethod.CreatePayloadAsync"/>. A wallet
/// that moves money itself (a push transaction, a Lightning payment) calls <see cref="MarkFundsMovingAsync"/> before it
/// waits for the money to move: from then on the reservation is never released by a failure, only by proof.
/// </summary>
public sealed class PaymentAttempt
{
    private const int Open = 0, Moving = 1, Abandoned = 2;
    private readonly IPaymentLedger _ledger;
    private string? _walletReference;
    private int _state;
    private BigInteger? _actualFee;
    private string? _idempotencyKey;

    /// <summary>Creates an attempt (the coordinator does; a rail's own tests can too).</summary>
    /// <param name="quote">What is paid.</param>
    /// <param name="reservationId">The ledger reservation holding it.</param>
    /// <param name="ledger">The ledger that <see cref="MarkFundsMovingAsync"/> records in.</param>
    public PaymentAttempt(PaymentQuote quote, Guid reservationId, IPaymentLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(ledger);
        Quote = quote;
        ReservationId = reservationId;
        _ledger = ledger;
    }

    /// <summary>What is paid: the challenge, the terms (with fee), the origin.</summary>
    public PaymentQuote Quote { get; }

    /// <summary>The ledger reservation holding the amount and the fee.</summary>
    public Guid ReservationId { get; }

    /// <summary>
    /// A key derived from the challenge (its id, realm and method) and the payee's origin: the same challenge always gives
    /// the same key, so a wallet can pass it to its provider (a Stripe idempotency key, a client request id) and a retried
    /// creation never pays twice; two payees that issue the same challenge id get different keys. Short and fixed-length
    /// (<c>mpp-</c> and 32 hex digits).
    /// </summary>
    public string IdempotencyKey => _idempotencyKey ??= DeriveIdempotencyKey(Quote); // on first use: most wallets never ask (a race derives the same key twice)

    /// <summary>True once <see cref="MarkFundsMovingAsync"/> was called.</summary>
    public bool FundsMoving => Volatile.Read(ref _state) == Moving;

    /// <summary>The reference given to <see cref="MarkFundsMovingAsync"/>, if any.</summary>
    public string? WalletReference => Volatile.Read(ref _walletReference);

    /// <summary>The fee reported by <see cref="ReportActualFee"/>, if any.</summary>
    public BigInteger? ActualFee => _actualFee;

    /// <summary>
    /// Says that money is about to move (or is moving) and records <paramref name="walletReference"/> (a transaction hash,
    /// a payment hash) in the ledger as sent. Call it before broadcasting or paying; after it, a failure or a timeout keeps
    /// the amount counted with an unknown outcome, to be reconciled by the reference.
    /// </summary>
    /// <param name="walletReference">A public reference for the payment; never a secret.</param>
    /// <param name="cancellationToken">Not observed once the ledger write has started.</param>
    /// <exception cref="OperationCanceledException">
    /// The flow already gave up on this attempt (<c>CredentialTimeout</c>, the caller's cancellation, a failure) and released
    /// its reservation: funds must not move.
    /// </exception>
    public async ValueTask MarkFundsMovingAsync(string walletReference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(walletReference);
        if (Interlocked.CompareExchange(ref _state, Moving, Open) == Abandoned)
        {
            throw new OperationCanceledException("The payment attempt was abandoned and its reservation released; funds must not move.");
        }

        Volatile.Write(ref _walletReference, walletReference);
        await _ledger.MarkSentAsync(ReservationId, walletReference, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the attempt after the wallet failed or was given up on: from now on <see cref="MarkFundsMovingAsync"/> throws.
    /// Atomic with it, so a wallet racing a timeout either is refused or is seen as moving funds.
    /// </summary>
    /// <returns>True when funds were marked moving first (the amount must stay counted).</returns>
    internal bool Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Open) == Moving;

    private static string DeriveIdempotencyKey(PaymentQuote quote)
    {
        // Challenge ids are unique per server only: scope them by the payee. Length-prefixed, so no two inputs join alike.
        var c = quote.Challenge;
        var input = string.Concat(
            $"{quote.Origin.Length}:{quote.Origin}",
            $"{c.Realm.Length}:{c.Realm}",
            $"{c.Method.Length}:{c.Method}",
            $"{c.Id.Length}:{c.Id}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return "mpp-" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Reports the fee actually paid, in base units of the declared fee's currency; the ledger is trued up to amount + fee when the payment settles.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fee"/> is negative.</exception>
    public void ReportActualFee(BigInteger fee)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fee);
        _actualFee = fee;
    }
}
