namespace Mpp.Client.Payments;

/// <summary>How a payee answered a credential.</summary>
public enum PaymentExchangeStatus
{
    /// <summary>Accepted (HTTP 2xx, or 403 after a valid payment).</summary>
    Accepted,

    /// <summary>Rejected; whether the payment was taken is in <see cref="PaymentExchangeResult.NotTaken"/>.</summary>
    Rejected,

    /// <summary>No definite answer.</summary>
    Unknown,
}
