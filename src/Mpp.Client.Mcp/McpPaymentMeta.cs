namespace Mpp.Client.Mcp;

/// <summary>The wire names of the payment transport for JSON-RPC and MCP (draft-payment-transport-mcp-00, and mppx).</summary>
public static class McpPaymentMeta
{
    /// <summary>JSON-RPC error code "Payment Required": <c>error.data.challenges</c> carries the challenges.</summary>
    public const int PaymentRequiredCode = -32042;

    /// <summary>JSON-RPC error code "Payment Verification Failed": a fresh challenge and the failure.</summary>
    public const int PaymentVerificationFailedCode = -32043;

    /// <summary>The <c>params._meta</c> key of the credential (an object, with <c>challenge.request</c> as an object).</summary>
    public const string CredentialKey = "org.paymentauth/credential";

    /// <summary>The <c>result._meta</c> key of the receipt (with <c>challengeId</c>).</summary>
    public const string ReceiptKey = "org.paymentauth/receipt";

    /// <summary>
    /// The <c>result._meta</c> key under which some servers (mppx's client reads it) put the payment-required data of a tool
    /// result instead of answering <see cref="PaymentRequiredCode"/>; the draft does not name it.
    /// </summary>
    public const string PaymentRequiredKey = "org.paymentauth/payment-required";

    /// <summary>The name of the capability under <c>capabilities.experimental</c> in <c>initialize</c>.</summary>
    public const string CapabilityName = "payment";

    /// <summary>
    /// The members this package adds to the <c>error.data</c> of a payment it did not complete, which the C# MCP SDK copies
    /// into <see cref="Exception.Data"/> of the <see cref="ModelContextProtocol.McpProtocolException"/> the caller gets.
    /// </summary>
    public const string FailureStatusKey = "mppStatus";

    /// <summary>The <see cref="MppErrorCode"/> name of a payment this package did not complete (see <see cref="FailureStatusKey"/>).</summary>
    public const string FailureCodeKey = "mppCode";

    /// <summary>The reason of a payment this package did not complete (see <see cref="FailureStatusKey"/>); never a secret.</summary>
    public const string FailureReasonKey = "mppReason";
}
