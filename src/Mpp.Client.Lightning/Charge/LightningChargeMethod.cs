using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Lightning.Nodes;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Lightning.Charge;

/// <summary>
/// The lightning/charge wallet (draft-lightning-charge-00): decodes and checks the invoice (see
/// <see cref="LightningChargeReader"/>), declares the routing fee limit so the budget reserves it with the amount, looks
/// the payment hash up at the node (an invoice already paid yields its preimage; one in flight is not paid again), marks
/// funds moving, pays through the <see cref="ILightningNode"/>, looks the payment up again after any ambiguous failure,
/// checks <c>sha256(preimage) == payment hash</c>, reports the fee paid, and sends <c>{"preimage": "&lt;hex&gt;"}</c>.
/// </summary>
internal sealed class LightningChargeMethod : IPaymentMethod
{
    private readonly HashSet<string> _allowedPayees;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LightningChargeMethod(ILightningNode node, LightningNetwork network, long maxFeeSat, IEnumerable<string> allowedPayees, TimeSpan minimumTimeToExpiry, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(time);
        Node = node;
        Network = network;
        MaxFeeSat = maxFeeSat;
        _allowedPayees = new HashSet<string>(allowedPayees.Select(p => p.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        MinimumTimeToExpiry = minimumTimeToExpiry;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Method => "lightning";

    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    internal ILightningNode Node { get; }

    internal LightningNetwork Network { get; }

    internal long MaxFeeSat { get; }

    internal TimeSpan MinimumTimeToExpiry { get; }

    public PaymentTerms ReadTerms(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var charge = Read(challenge, (m, e) => new MppException(MppErrorCode.InvalidChallenge, m, e));
        return new PaymentTerms(charge.AmountSat, "sat", charge.Invoice.PayeeNodeId, charge.ExpiresAt)
        {
            Kind = PaymentKind.Charge,
            Fee = new PaymentFee(MaxFeeSat, "sat"),
        };
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var challenge = attempt.Quote.Challenge;
        var charge = Read(challenge, (m, e) => Refused(m, e));
        var hash = charge.Invoice.PaymentHash;
        var maxFee = (long)(attempt.Quote.Terms.Fee?.MaxAmount ?? MaxFeeSat);

        // Look before paying: an earlier attempt (a retry, another process on the same node) may have paid it already.
        LightningPayment? payment;
        try
        {
            payment = await Node.LookupAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Refused($"The node could not be asked whether the invoice was already paid ({Describe(e)}); nothing was paid.", e);
        }

        if (payment is { Status: LightningPaymentStatus.Succeeded })
        {
            await attempt.MarkFundsMovingAsync(hash, cancellationToken).ConfigureAwait(false);
            LightningChargeLog.AlreadyPaid(_logger, hash, challenge.Id);
        }
        else if (payment is { Status: LightningPaymentStatus.InFlight })
        {
            await attempt.MarkFundsMovingAsync(hash, cancellationToken).ConfigureAwait(false);
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed,
                "A payment of this invoice is already in flight at the node; it is not paid twice. Reconcile the ledger entry by its payment hash.",
                Details(LightningNodeError.InFlight, hash), fundsMayHaveMoved: true);
        }
        else
        {
            await attempt.MarkFundsMovingAsync(hash, cancellationToken).ConfigureAwait(false);
            LightningChargeLog.Paying(_logger, hash, challenge.Id, charge.AmountSat, maxFee);
            payment = await PayAsync(charge.Invoice.PaymentRequest, hash, maxFee, cancellationToken).ConfigureAwait(false);
        }

        var preimage = CheckPreimage(payment, hash);
        attempt.ReportActualFee((payment.FeeMsat + 999) / 1000);
        LightningChargeLog.Paid(_logger, hash, challenge.Id, charge.AmountSat, payment.FeeMsat);
        return new PaymentPayload(Payload(preimage)) { WalletReference = hash };
    }

    /// <summary>Pays; after an ambiguous failure (the node unreachable, a stream cut, a timeout) looks the hash up instead of guessing.</summary>
    private async Task<LightningPayment> PayAsync(string invoice, string hash, long maxFee, CancellationToken cancellationToken)
    {
        Exception ambiguous;
        try
        {
            var paid = await Node.PayAsync(invoice, maxFee, cancellationToken).ConfigureAwait(false);
            switch (paid.Status)
            {
                case LightningPaymentStatus.Succeeded:
                    return paid;
                case LightningPaymentStatus.Failed:
                    var error = paid.Failure ?? LightningNodeError.Failed;
                    LightningChargeLog.PayFailed(_logger, hash, error.ToString(), "the node failed the payment");
                    // LND's final FAILED status: no HTLC of this payment is in flight, nothing left the node.
                    throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The node failed the payment: {error}.", Details(error, hash), fundsMayHaveMoved: false)
                    {
                        FundsProvenNotMoved = true,
                    };
                default:
                    ambiguous = new LightningNodeException(LightningNodeError.InFlight, "The node's payment stream ended while the payment was in flight.");
                    break;
            }
        }
        catch (LightningNodeException e) when (e.IsDefinitive)
        {
            LightningChargeLog.PayFailed(_logger, hash, e.Error.ToString(), e.Message);
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"The node refused the payment: {e.Error}.", Details(e.Error, hash), fundsMayHaveMoved: false, innerException: e)
            {
                FundsProvenNotMoved = true, // definitive refusals only (IsDefinitive): not in flight, not already paid
            };
        }
        catch (PaymentMethodException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ambiguous = e;
        }

        LightningChargeLog.Ambiguous(_logger, hash, Describe(ambiguous));
        LightningPayment? found = null;
        try
        {
            // The caller's token may be what cut the payment: the look-up still runs, briefly, so a paid invoice is not lost.
            using var lookup = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            found = await Node.LookupAsync(hash, lookup.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LightningChargeLog.Ambiguous(_logger, hash, "the look-up failed too: " + Describe(e));
        }

        if (found is { Status: LightningPaymentStatus.Succeeded })
        {
            return found;
        }

        if (ambiguous is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw ambiguous;
        }

        var error2 = ambiguous is LightningNodeException n ? n.Error : LightningNodeError.Unavailable;
        throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed,
            $"The payment's outcome is unknown ({Describe(ambiguous)}); the node will be asked again when the ledger is reconciled.",
            Details(error2, hash), fundsMayHaveMoved: found is not { Status: LightningPaymentStatus.Failed }, innerException: ambiguous)
        {
            FundsProvenNotMoved = found is { Status: LightningPaymentStatus.Failed }, // the look-up found it definitively failed
        };
    }

    private static string CheckPreimage(LightningPayment payment, string hash)
    {
        if (payment.Preimage is not { Length: 64 } preimage)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The node reported the payment as succeeded without a 32-byte preimage.",
                Details(LightningNodeError.Failed, hash), fundsMayHaveMoved: true);
        }

        Span<byte> bytes = stackalloc byte[32];
        Span<byte> digest = stackalloc byte[32];
        if (Convert.FromHexString(preimage, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32
            || !SHA256.TryHashData(bytes, digest, out _) || Convert.ToHexStringLower(digest) != hash)
        {
            // Never echo the preimage itself.
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The node returned a preimage whose SHA-256 is not the invoice's payment hash.",
                Details(LightningNodeError.Failed, hash), fundsMayHaveMoved: true);
        }

        return preimage.ToLowerInvariant();
    }

    private LightningCharge Read(Challenge challenge, Func<string, Exception?, Exception> refuse) =>
        LightningChargeReader.Read(challenge, Network, _allowedPayees, _time.GetUtcNow(), MinimumTimeToExpiry, refuse);

    private static JsonElement Payload(string preimage)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("preimage"u8, preimage);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static Dictionary<string, string> Details(LightningNodeError error, string hash) =>
        new(StringComparer.Ordinal) { ["lightning.error"] = error.ToString(), ["lightning.payment_hash"] = hash };

    private static string Describe(Exception e) => e is LightningNodeException n ? $"{n.Error}: {n.Message}" : e.GetType().Name;

    internal static PaymentMethodException Refused(string reason, Exception? inner = null) =>
        new(MppErrorCode.CredentialCreationFailed, reason, null, fundsMayHaveMoved: false, innerException: inner);

    public override string ToString() => $"LightningChargeMethod {{ {Network}, {Node} }}";
}
