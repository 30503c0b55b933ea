namespace Mpp.Client.Mcp.Testing;

/// <summary>Settings of an <see cref="McpTestServer"/>.</summary>
public sealed class McpTestServerOptions
{
    /// <summary>The payment side: realm, secret, clock, verifiers (the <c>test</c> method is registered by default).</summary>
    public MppTestServerOptions Payments { get; set; } = new();

    /// <summary>How refused credentials are answered.</summary>
    public McpRejectionStyle RejectionStyle { get; set; } = McpRejectionStyle.VerificationFailedError;

    /// <summary>
    /// True to ask for payment with a tool result carrying <c>_meta["org.paymentauth/payment-required"]</c> (which mppx's
    /// client reads) instead of the draft's <c>-32042</c> error.
    /// </summary>
    public bool ChallengeInToolResult { get; set; }

    /// <summary>The server's name in <c>initialize</c>.</summary>
    public string ServerName { get; set; } = "mpp-test-mcp";
}
