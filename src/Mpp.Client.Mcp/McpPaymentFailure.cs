using Mpp.Client.Http;

namespace Mpp.Client.Mcp;

/// <summary>Why a paid MCP request was not completed: read from the error with <see cref="McpPaymentResultExtensions.GetPaymentFailure"/>.</summary>
public sealed class McpPaymentFailure
{
    internal McpPaymentFailure(PaymentStatus status, MppErrorCode? code, string reason)
    {
        Status = status;
        Code = code;
        Reason = reason;
    }

    /// <summary>
    /// <see cref="PaymentStatus.Refused"/> (nothing was sent: no payable challenge, policy, budget or approver said no),
    /// <see cref="PaymentStatus.Rejected"/> (the server proved it took nothing) or <see cref="PaymentStatus.Unknown"/>
    /// (a credential was sent and the payment may have been taken: it stays counted and is not paid again).
    /// </summary>
    public PaymentStatus Status { get; }

    /// <summary>The machine-readable code, when one applies.</summary>
    public MppErrorCode? Code { get; }

    /// <summary>A short, secret-free reason.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Status} ({Code}): {Reason}";
}
