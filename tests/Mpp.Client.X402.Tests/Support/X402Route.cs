namespace Mpp.Client.X402.Tests.Support;

/// <summary>What one route of <see cref="X402TestServer"/> asks for, and how it answers.</summary>
public sealed record X402Route
{
    public const string BaseSepoliaUsdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    public const string BaseUsdc = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
    public const string DefaultPayTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    public int Version { get; init; } = 2;

    public string Network { get; init; } = "eip155:84532";

    public long ChainId { get; init; } = 84532;

    public string Asset { get; init; } = BaseSepoliaUsdc;

    public string Amount { get; init; } = "1000";

    public string PayTo { get; init; } = DefaultPayTo;

    public int MaxTimeoutSeconds { get; init; } = 60;

    public string DomainName { get; init; } = "USDC";

    public string DomainVersion { get; init; } = "2";

    public string Scheme { get; init; } = "exact";

    /// <summary>The resource URL to announce instead of the request's own.</summary>
    public string? Resource { get; init; }

    /// <summary>Also offer a <c>Payment</c> challenge (method <c>test</c>, 1 cent) on the same 402.</summary>
    public bool OfferMpp { get; init; }

    /// <summary>Send this as the <c>PAYMENT-REQUIRED</c> header instead of the built one (v2).</summary>
    public string? RawPaymentRequired { get; init; }

    /// <summary>Refuse every payment (as a facilitator whose settlement failed), answering 402 again.</summary>
    public bool RefuseAll { get; init; }

    /// <summary>Send this JSON as the 402 body instead of the built one (v1).</summary>
    public string? RawBody { get; init; }
}
