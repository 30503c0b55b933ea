namespace Mpp.Client.Tempo;

/// <summary>
/// The account the Tempo wallet pays from (resolve it from the service provider after <c>AddTempo()</c>): fund this
/// address with the stablecoins you pay in.
/// </summary>
public sealed class TempoAccount
{
    internal TempoAccount(string address) => Address = address;

    /// <summary>The account address, EIP-55 checksummed (derived from the key or given by the signer).</summary>
    public string Address { get; }

    /// <summary>The <c>source</c> DID the wallet puts in its credentials on <paramref name="chainId"/>: <c>did:pkh:eip155:&lt;chainId&gt;:&lt;address&gt;</c>.</summary>
    /// <param name="chainId">The chain.</param>
    public string SourceOn(ulong chainId) => Attribution.AttributionMemo.Source(chainId, Address);

    /// <inheritdoc/>
    public override string ToString() => $"TempoAccount {{ Address = {Address} }}";
}
