namespace Mpp.Client.Mcp.Testing;

/// <summary>A tool of an <see cref="McpTestServer"/>: free when <see cref="Price"/> is null.</summary>
public sealed record McpTestTool
{
    /// <summary>Creates a tool.</summary>
    /// <param name="name">The tool's name.</param>
    /// <param name="price">Its price, or null for a free tool.</param>
    public McpTestTool(string name, PriceOption? price = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Price = price;
    }

    /// <summary>The tool's name.</summary>
    public string Name { get; }

    /// <summary>The price, or null for a free tool.</summary>
    public PriceOption? Price { get; }

    /// <summary>The text the tool answers (default: <c>"&lt;name&gt; ok"</c>).</summary>
    public string? Text { get; init; }

    /// <summary>
    /// True to accept the payment and then never answer (until the call is cancelled or the server stops): a payment whose
    /// outcome the client cannot know.
    /// </summary>
    public bool HangAfterPayment { get; init; }

    /// <summary>The first N otherwise valid payments are refused as <c>verification-failed</c> (with a fresh challenge).</summary>
    public int ForcedVerificationFailures { get; init; }

    /// <summary>True to answer the HTTP request itself with <c>402</c> (an HTTP-level paywall in front of the MCP endpoint) instead of <c>-32042</c>.</summary>
    public bool ChargeOverHttp { get; init; }
}
