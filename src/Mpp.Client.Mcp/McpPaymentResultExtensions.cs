using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Mcp.Internal;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp;

/// <summary>Reads the payment side of MCP results and errors.</summary>
public static class McpPaymentResultExtensions
{
    /// <summary>
    /// The receipt in <c>result._meta["org.paymentauth/receipt"]</c> (its <c>challengeId</c> in
    /// <see cref="PaymentReceipt.Extra"/>), or null for an unpaid result or a malformed receipt.
    /// </summary>
    public static PaymentReceipt? GetPaymentReceipt(this Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return McpPaymentData.ReadReceiptFromMeta(result.Meta, out _) is { } receipt ? receipt : null;
    }

    /// <summary>
    /// Why a paid request was not completed, when <paramref name="exception"/> is the error a <see cref="McpPaymentTransport"/>
    /// answered; null for any other error.
    /// </summary>
    public static McpPaymentFailure? GetPaymentFailure(this McpProtocolException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.Data[McpPaymentMeta.FailureStatusKey] is not string s || !Enum.TryParse<PaymentStatus>(s, out var status))
        {
            return null;
        }

        MppErrorCode? code = exception.Data[McpPaymentMeta.FailureCodeKey] is string c && Enum.TryParse<MppErrorCode>(c, out var parsed) ? parsed : null;
        var reason = exception.Data[McpPaymentMeta.FailureReasonKey] as string ?? s;
        return new McpPaymentFailure(status, code, reason);
    }
}
