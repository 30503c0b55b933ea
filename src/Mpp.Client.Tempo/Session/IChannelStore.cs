namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Keeps the payer's channels. The wallet saves a channel before every voucher it sends (with the new highest signed
/// amount), so a store must have written the channel durably when <see cref="SaveAsync"/> returns; a failure must throw
/// (the voucher is then not sent). Calls for one channel are never concurrent; calls for different channels may be.
/// </summary>
public interface IChannelStore
{
    /// <summary>The channel stored under <paramref name="key"/>, or null.</summary>
    ValueTask<TempoChannel?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="channel"/> under its <see cref="TempoChannel.Key"/>, replacing any earlier one.</summary>
    ValueTask SaveAsync(TempoChannel channel, CancellationToken cancellationToken);

    /// <summary>Every stored channel.</summary>
    ValueTask<IReadOnlyList<TempoChannel>> ListAsync(CancellationToken cancellationToken);
}
