namespace Mpp.Client.Mcp.Testing;

/// <summary>How an <see cref="McpTestServer"/> answers a credential it refuses.</summary>
public enum McpRejectionStyle
{
    /// <summary>The draft's shape: JSON-RPC error <c>-32043</c> with a fresh challenge, the problem and the failure.</summary>
    VerificationFailedError,

    /// <summary>
    /// What servers on mppx's documented pattern send: a tool result <c>{isError: true, content: [{text: "MCP error -32043: …"}]}</c>
    /// with no challenge (resources and prompts, which have no such result, still answer <c>-32043</c>).
    /// </summary>
    ToolResult,
}
