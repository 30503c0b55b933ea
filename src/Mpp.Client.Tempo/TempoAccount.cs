using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo;

/// <summary>
/// The account the Tempo wallet pays from (resolve it from the service provider after <c>AddTempo()</c>): fund this
/// address with the stablecoins you pay in.
/// </summary>
public sealed class TempoAccount
{
    private readonly IReadOnlyDictionary<ulong, TempoRpcClient> _nodes;

    internal TempoAccount(string address, IReadOnlyDictionary<ulong, TempoRpcClient>? nodes = null)
    {
        Address = address;
        _nodes = nodes ?? new Dictionary<ulong, TempoRpcClient>();
        Chains = _nodes.Keys.Order().ToArray();
    }

    /// <summary>The account address, EIP-55 checksummed (derived from the key or given by the signer).</summary>
    public string Address { get; }

    /// <summary>The chains the wallet may pay on: those with a node under <c>Mpp:Tempo:Rpc</c>, in ascending order.</summary>
    public IReadOnlyList<ulong> Chains { get; }

    /// <summary>The <c>source</c> DID the wallet puts in its credentials on <paramref name="chainId"/>: <c>did:pkh:eip155:&lt;chainId&gt;:&lt;address&gt;</c>.</summary>
    /// <param name="chainId">The chain.</param>
    public string SourceOn(ulong chainId) => Attribution.AttributionMemo.Source(chainId, Address);

    /// <summary>
    /// The account's balance of <paramref name="token"/> on <paramref name="chainId"/>, in base units, read from the
    /// configured node — after checking the node serves that chain (a health check as well as a balance).
    /// </summary>
    /// <param name="chainId">A configured chain (see <see cref="Chains"/>).</param>
    /// <param name="token">The TIP-20 token address, e.g. <see cref="TempoChains.PathUsd"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException">No node is configured for <paramref name="chainId"/>, or <paramref name="token"/> is not an address.</exception>
    /// <exception cref="TempoNodeException">The node could not answer, or serves another chain.</exception>
    public async Task<BigInteger> GetBalanceAsync(ulong chainId, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!_nodes.TryGetValue(chainId, out var node))
        {
            throw new ArgumentException($"No Tempo node is configured for chain {chainId} (Mpp:Tempo:Rpc).", nameof(chainId));
        }

        try
        {
            _ = EvmAddress.Normalize(token);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The token is not a 20-byte hex address.", nameof(token), e);
        }

        try
        {
            var served = await node.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
            if (served != chainId)
            {
                throw new TempoNodeException(chainId, $"The node configured for chain {chainId} serves chain {served}.");
            }

            return await node.GetTokenBalanceAsync(token, Address, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException e)
        {
            throw new TempoNodeException(chainId, $"The Tempo node for chain {chainId} could not answer ({e.GetType().Name}).", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"TempoAccount {{ Address = {Address} }}";
}
