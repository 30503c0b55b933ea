namespace Mpp.Client.Payments;

/// <summary>What is being paid for, whatever the transport: the resource, the client budget, per-call caps.</summary>
public sealed class PaymentContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="resource">
    /// The resource paid for: the request URI over HTTP; for other transports a URI naming the payee and the resource
    /// (e.g. <c>https://mcp.example.com/tools/search</c>). Its host is what host caps and <c>AllowedHosts</c> see.
    /// </param>
    public PaymentContext(Uri resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!resource.IsAbsoluteUri)
        {
            throw new ArgumentException("The resource must be an absolute URI.", nameof(resource));
        }

        Resource = resource;
    }

    /// <summary>The resource paid for.</summary>
    public Uri Resource { get; }

    /// <summary>The client whose own budget applies on top of the shared one (an HTTP client's name), or null.</summary>
    public string? ClientBudget { get; init; }

    /// <summary>The problem details that came with the challenges (an HTTP 402's body, an MCP error's <c>problem</c>), kept on a refusal's outcome.</summary>
    public Protocol.PaymentProblem? Problem { get; init; }

    /// <summary>Caps for this one call, per unit (as <c>SetMaxPayment</c>); once set, other units are refused.</summary>
    public IReadOnlyDictionary<string, decimal>? MaxPayment { get; init; }
}
