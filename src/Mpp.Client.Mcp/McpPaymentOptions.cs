namespace Mpp.Client.Mcp;

/// <summary>How <see cref="McpPaymentTransport"/> pays for MCP requests.</summary>
public sealed class McpPaymentOptions
{
    /// <summary>
    /// The URI that names the MCP server for policy, ledger and events (its host is what host caps and <c>AllowedHosts</c>
    /// see). Null: the transport's name when it is an http(s) URI (as <c>HttpClientTransport</c>'s, its endpoint), else
    /// <c>mcp://&lt;transport name&gt;/</c>. The resource paid for is this
    /// URI with <c>tools/&lt;name&gt;</c>, <c>resources/read?uri=…</c> or <c>prompts/&lt;name&gt;</c> appended.
    /// </summary>
    public Uri? Server { get; set; }

    /// <summary>The client whose own budget applies on top of the shared one (as an HTTP client's name), or null.</summary>
    public string? ClientBudget { get; set; }

    /// <summary>
    /// True (the default) to advertise the methods this payer can pay in <c>initialize</c>
    /// (<c>capabilities.experimental.payment.methods</c>), as the draft recommends; servers are never required to.
    /// </summary>
    public bool AdvertiseCapability { get; set; } = true;

    /// <summary>
    /// The JSON-RPC methods paid when the server answers <c>-32042</c>: <c>tools/call</c>, <c>resources/read</c> and
    /// <c>prompts/get</c> (the operations the draft names). Any other method's <c>-32042</c> reaches the caller untouched.
    /// </summary>
    public ISet<string> PaidMethods { get; } = new HashSet<string>(StringComparer.Ordinal) { "tools/call", "resources/read", "prompts/get" };
}
