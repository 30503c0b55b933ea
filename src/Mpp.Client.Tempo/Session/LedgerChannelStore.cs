using System.Text.Json;
using Mpp.Client.Ledger;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Channels kept in the durable ledger's own database (<see cref="IWalletStateStore"/>, which the SQLite and PostgreSQL
/// ledgers implement), one row per channel under the scope <see cref="Scope"/>: the channels and the money locked in them
/// live in one store, survive restarts together and are backed up together. Each save is committed before it returns,
/// so the highest signed voucher is durable before the voucher leaves the process. With <c>AddTempo</c>, this is the
/// store used when the registered ledger is such a database and no other store is configured.
/// </summary>
public sealed class LedgerChannelStore : IChannelStore
{
    /// <summary>The wallet-state scope the channels are kept under.</summary>
    public const string Scope = "tempo/session/channels";

    private const int Version = 1;
    private readonly IWalletStateStore _store;

    /// <summary>Creates a store over <paramref name="store"/> (a durable ledger).</summary>
    public LedgerChannelStore(IWalletStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    /// <exception cref="ChannelStoreException">The ledger's database cannot be read, or holds a malformed channel.</exception>
    public async ValueTask<TempoChannel?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var value = await Guard(() => _store.GetStateAsync(Scope, key, cancellationToken)).ConfigureAwait(false);
        return value is null ? null : Parse(key, value);
    }

    /// <inheritdoc />
    /// <exception cref="ChannelStoreException">The ledger's database cannot be written; the channel was not saved.</exception>
    public async ValueTask SaveAsync(TempoChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WritePropertyName("channel");
            ChannelJson.Write(w, channel);
            w.WriteEndObject();
        }

        var json = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        await Guard(async () =>
        {
            await _store.SetStateAsync(Scope, channel.Key, json, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ChannelStoreException">The ledger's database cannot be read, or holds a malformed channel.</exception>
    public async ValueTask<IReadOnlyList<TempoChannel>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await Guard(() => _store.ListStateAsync(Scope, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => Parse(r.Key, r.Value))];
    }

    private static async ValueTask<T> Guard<T>(Func<ValueTask<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (LedgerStoreException e)
        {
            throw new ChannelStoreException($"The ledger's database cannot keep Tempo channels ({e.Code}); nothing was signed on its account.", e);
        }
    }

    private static TempoChannel Parse(string key, string value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            var root = doc.RootElement;
            if (root.GetProperty("version").GetInt32() != Version)
            {
                throw new ChannelStoreException("A Tempo channel in the ledger's database has an unknown version; it was written by a newer Mpp.Client.Tempo.");
            }

            var channel = ChannelJson.Read(root.GetProperty("channel"));
            return channel.Key == key
                ? channel
                : throw new FormatException("The channel's key is not the row's key.");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new ChannelStoreException($"A Tempo channel in the ledger's database is malformed ({e.GetType().Name}); close it by hand and delete its row (scope '{Scope}').", e);
        }
    }
}
