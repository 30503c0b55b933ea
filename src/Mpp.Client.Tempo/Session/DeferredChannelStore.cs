namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A channel store chosen on first use: the wallet is built before the ledger may be resolved (the ledger's start-up
/// reconcilers can depend on the wallet), so whether the ledger's database keeps the channels is decided then.
/// </summary>
internal sealed class DeferredChannelStore(Func<IChannelStore> create) : IChannelStore
{
    private readonly Lazy<IChannelStore> _store = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The store in use (created now if it was not yet).</summary>
    public IChannelStore Store => _store.Value;

    public ValueTask<TempoChannel?> GetAsync(string key, CancellationToken cancellationToken) => Store.GetAsync(key, cancellationToken);

    public ValueTask SaveAsync(TempoChannel channel, CancellationToken cancellationToken) => Store.SaveAsync(channel, cancellationToken);

    public ValueTask<IReadOnlyList<TempoChannel>> ListAsync(CancellationToken cancellationToken) => Store.ListAsync(cancellationToken);
}
