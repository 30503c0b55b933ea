using System.Collections.Concurrent;

namespace Mpp.Client.Tempo.Session;

/// <summary>Channels kept in memory: they end with the process (the escrow's deposit stays on chain until closed).</summary>
public sealed class InMemoryChannelStore : IChannelStore
{
    private readonly ConcurrentDictionary<string, TempoChannel> _channels = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<TempoChannel?> GetAsync(string key, CancellationToken cancellationToken) =>
        new(_channels.TryGetValue(key, out var channel) ? channel : null);

    /// <inheritdoc />
    public ValueTask SaveAsync(TempoChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channels[channel.Key] = channel;
        return default;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TempoChannel>> ListAsync(CancellationToken cancellationToken) =>
        new(_channels.Values.ToArray());
}
