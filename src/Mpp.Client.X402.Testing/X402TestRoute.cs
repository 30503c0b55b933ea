using Mpp.Client.Testing;

namespace Mpp.Client.X402.Testing;

/// <summary>What one route of an <see cref="X402TestServer"/> asks for, and how it answers.</summary>
public sealed record X402TestRoute
{
    /// <summary>USDC on Base Sepolia (chain 84532), the default asset.</summary>
    public const string BaseSepoliaUsdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

    /// <summary>USDC on Base (chain 8453).</summary>
    public const string BaseUsdc = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

    /// <summary>The default <c>payTo</c> address.</summary>
    public const string DefaultPayTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    /// <summary>The x402 protocol version: 1 (requirements in the 402's JSON body, <c>X-PAYMENT</c>) or 2 (<c>PAYMENT-REQUIRED</c>, <c>PAYMENT-SIGNATURE</c>).</summary>
    public int Version { get; init; } = 2;

    /// <summary>The CAIP-2 network (<c>eip155:84532</c>); a v1 route announces an <c>eip155</c> network by its v1 name (<c>base-sepolia</c>, <c>base</c>).</summary>
    public string Network { get; init; } = "eip155:84532";

    /// <summary>The EVM chain id of the token's EIP-712 domain.</summary>
    public long ChainId { get; init; } = 84532;

    /// <summary>The token contract (the EIP-712 domain's <c>verifyingContract</c>).</summary>
    public string Asset { get; init; } = BaseSepoliaUsdc;

    /// <summary>The price in the token's base units (USDC: 6 decimals, so 1000 is 0.001).</summary>
    public string Amount { get; init; } = "1000";

    /// <summary>The address the authorization must pay.</summary>
    public string PayTo { get; init; } = DefaultPayTo;

    /// <summary>The requirement's <c>maxTimeoutSeconds</c>.</summary>
    public int MaxTimeoutSeconds { get; init; } = 60;

    /// <summary>The token's EIP-712 domain name (<c>extra.name</c>).</summary>
    public string DomainName { get; init; } = "USDC";

    /// <summary>The token's EIP-712 domain version (<c>extra.version</c>).</summary>
    public string DomainVersion { get; init; } = "2";

    /// <summary>The requirement's scheme; only <c>exact</c> is verified, any other is refused.</summary>
    public string Scheme { get; init; } = "exact";

    /// <summary>What the route answers once paid.</summary>
    public string Body { get; init; } = "paid by x402";

    /// <summary>The resource URL to announce instead of the request's own.</summary>
    public string? Resource { get; init; }

    /// <summary>
    /// Also offer MPP on the same 402: the <see cref="X402TestServerOptions.Mpp"/> server's challenges for this price
    /// (<c>WWW-Authenticate: Payment</c>), and an <c>Authorization: Payment</c> credential judged by that server.
    /// </summary>
    public PriceOption? MppPrice { get; init; }

    /// <summary>Send this as the <c>PAYMENT-REQUIRED</c> header instead of the built one (v2): for testing a payer against malformed servers.</summary>
    public string? RawPaymentRequired { get; init; }

    /// <summary>Send this JSON as the 402 body instead of the built one (v1): for testing a payer against malformed servers.</summary>
    public string? RawBody { get; init; }

    /// <summary>Refuse every payment that verifies (as a facilitator whose settlement failed), answering 402 again.</summary>
    public bool RefuseAll { get; init; }

    /// <summary>Drop the connection instead of answering a payment, before or after settling it: an outcome the payer cannot know.</summary>
    public X402ResponseLoss LoseResponse { get; init; }
}
