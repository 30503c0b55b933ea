namespace Mpp.Client.Lightning.Nodes;

/// <summary>A payment as a node reports it.</summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Preimage"/>: it is the proof of payment, a bearer secret until sent.</remarks>
public sealed class LightningPayment
{
    /// <summary>Creates a payment report.</summary>
    /// <param name="paymentHash">The payment hash, lowercase hex.</param>
    /// <param name="status">Where the payment is.</param>
    /// <param name="preimage">The preimage (32 bytes, lowercase hex) when the payment succeeded.</param>
    /// <param name="feeMsat">The routing fee paid, in millisatoshis.</param>
    /// <param name="failure">Why the payment failed, when it did.</param>
    public LightningPayment(string paymentHash, LightningPaymentStatus status, string? preimage = null, long feeMsat = 0, LightningNodeError? failure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentHash);
        ArgumentOutOfRangeException.ThrowIfNegative(feeMsat);
        PaymentHash = paymentHash;
        Status = status;
        Preimage = preimage;
        FeeMsat = feeMsat;
        Failure = failure;
    }

    /// <summary>The payment hash, lowercase hex.</summary>
    public string PaymentHash { get; }

    /// <summary>Where the payment is.</summary>
    public LightningPaymentStatus Status { get; }

    /// <summary>The preimage (lowercase hex) when <see cref="Status"/> is <see cref="LightningPaymentStatus.Succeeded"/>. A secret until sent.</summary>
    public string? Preimage { get; }

    /// <summary>The routing fee paid, in millisatoshis.</summary>
    public long FeeMsat { get; }

    /// <summary>Why the payment failed, when <see cref="Status"/> is <see cref="LightningPaymentStatus.Failed"/>.</summary>
    public LightningNodeError? Failure { get; }

    /// <inheritdoc/>
    public override string ToString() => $"LightningPayment {{ {PaymentHash}, {Status}, fee {FeeMsat} msat{(Failure is { } f ? ", " + f : "")} }}";
}
