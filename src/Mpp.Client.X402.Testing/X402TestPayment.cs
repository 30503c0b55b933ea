namespace Mpp.Client.X402.Testing;

/// <summary>An x402 payment an <see cref="X402TestServer"/> accepted: the EIP-3009 authorization and the settlement it answered.</summary>
/// <param name="Path">The route paid.</param>
/// <param name="Version">The x402 version of the payment.</param>
/// <param name="Network">The network, as the route announced it.</param>
/// <param name="Asset">The token contract.</param>
/// <param name="From">The payer (the address the signature recovered to).</param>
/// <param name="To">The recipient.</param>
/// <param name="Value">The amount in the token's base units.</param>
/// <param name="ValidAfter">The authorization's <c>validAfter</c> (unix seconds).</param>
/// <param name="ValidBefore">The authorization's <c>validBefore</c> (unix seconds).</param>
/// <param name="Nonce">The authorization's 32-byte nonce, hex.</param>
/// <param name="Transaction">The settlement's transaction hash (made up: nothing reaches a chain).</param>
public sealed record X402TestPayment(
    string Path,
    int Version,
    string Network,
    string Asset,
    string From,
    string To,
    string Value,
    long ValidAfter,
    long ValidBefore,
    string Nonce,
    string Transaction);
