namespace Mpp.Client.X402.Internal;

/// <summary>
/// USDC (6 decimals, counted as <c>usd</c>) on the chains @x402/evm 2.27.0 lists as its default assets, with the EIP-712
/// domain name and version each contract signs under. A requirement naming one of these addresses must name it on its
/// own chain and with its own domain, or it is refused.
/// </summary>
internal static class KnownTokens
{
    public const int UsdcDecimals = 6;

    public static IReadOnlyList<KnownToken> All { get; } =
    [
        new(8453, "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "USD Coin", "2"),
        new(84532, "0x036cbd53842c5426634e7929541ec2318f3dcf7e", "USDC", "2"),
        new(1, "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "USD Coin", "2"),
        new(43114, "0xb97ef9ef8734c71904d8002f8b6bc66dd9c48a6e", "USD Coin", "2"),
        new(137, "0x3c499c542cef5e3811e1192ce70d8cc03d5c3359", "USD Coin", "2"),
        new(42161, "0xaf88d065e77c8cc2239327c5edb3a432268e5831", "USD Coin", "2"),
        new(421614, "0x75faf114eafb1bdbe2f0316df893fd58ce46aa4d", "USD Coin", "2"),
        new(143, "0x754704bc059f8c67012fed69bc8a327a5aafb603", "USDC", "2"),
    ];

    /// <summary>The known token at <paramref name="address"/> (lower-case), on any chain.</summary>
    public static KnownToken? Find(string address)
    {
        foreach (var t in All)
        {
            if (t.Address == address)
            {
                return t;
            }
        }

        return null;
    }
}

/// <summary>A token the wallet knows: its chain, address (lower case) and EIP-712 domain.</summary>
internal sealed record KnownToken(long ChainId, string Address, string Name, string Version);
