namespace Mpp.Client.Http;

/// <summary>How the payment handling of one request ended.</summary>
public enum PaymentStatus
{
    /// <summary>A payment was made and the server accepted it.</summary>
    Paid,

    /// <summary>Nothing was paid: no challenge could be paid under the methods, policy, budget or approver.</summary>
    Refused,

    /// <summary>A credential was sent and the server proved it did not take it (and no further round was allowed).</summary>
    Rejected,

    /// <summary>A credential was sent and its outcome is unknown; its amount stays counted.</summary>
    Unknown,

    /// <summary>The request asked only for a quote (<see cref="PaymentMode.QuoteOnly"/>); nothing was paid.</summary>
    Quoted,
}
