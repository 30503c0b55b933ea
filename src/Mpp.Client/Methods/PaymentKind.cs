namespace Mpp.Client.Methods;

/// <summary>What kind of money movement a challenge asks for; budgets count both, per-request caps only charges.</summary>
public enum PaymentKind
{
    /// <summary>A one-time payment for this request (the <c>charge</c> intent).</summary>
    Charge,

    /// <summary>
    /// Funds locked for later use (a session's escrow deposit). Counted against rolling and lifetime caps like a charge,
    /// but not against per-request caps; the part not spent is released when the session closes.
    /// </summary>
    Deposit,
}
