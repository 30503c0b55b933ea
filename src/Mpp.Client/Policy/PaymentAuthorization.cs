namespace Mpp.Client.Policy;

/// <summary>The policy's answer for one quote: approved with a ledger reservation, or refused with a reason.</summary>
public sealed class PaymentAuthorization
{
    private PaymentAuthorization(Guid reservationId, MppErrorCode? code, string? reason)
    {
        ReservationId = reservationId;
        Code = code;
        Reason = reason;
    }

    /// <summary>True when the payment may proceed.</summary>
    public bool Approved => Code is null;

    /// <summary>The ledger reservation holding the amount (empty when refused).</summary>
    public Guid ReservationId { get; }

    /// <summary>Why it was refused.</summary>
    public MppErrorCode? Code { get; }

    /// <summary>A human-readable reason (no secrets).</summary>
    public string? Reason { get; }

    internal static PaymentAuthorization Approve(Guid reservationId) => new(reservationId, null, null);

    internal static PaymentAuthorization Refuse(MppErrorCode code, string reason) => new(Guid.Empty, code, reason);
}
