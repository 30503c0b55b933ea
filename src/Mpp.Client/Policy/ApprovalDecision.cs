namespace Mpp.Client.Policy;

/// <summary>An approver's answer: approve, or deny with a reason (e.g. "needs a human").</summary>
public sealed class ApprovalDecision
{
    private static readonly ApprovalDecision Approved = new(true, null);

    private ApprovalDecision(bool isApproved, string? reason)
    {
        IsApproved = isApproved;
        Reason = reason;
    }

    /// <summary>True to pay.</summary>
    public bool IsApproved { get; }

    /// <summary>Why it was denied (no secrets), or null.</summary>
    public string? Reason { get; }

    /// <summary>Pay.</summary>
    public static ApprovalDecision Approve() => Approved;

    /// <summary>Do not pay, because of <paramref name="reason"/>.</summary>
    public static ApprovalDecision Deny(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ApprovalDecision(false, reason);
    }
}
