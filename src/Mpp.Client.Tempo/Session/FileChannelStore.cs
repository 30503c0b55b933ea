using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Channels kept in one JSON file, rewritten atomically (a temporary file flushed to disk, then renamed over the old one)
/// on every save, so the highest signed voucher survives a crash. One process per file.
/// </summary>
public sealed class FileChannelStore : IChannelStore, IDisposable
{
    private const int Version = 1;
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, TempoChannel>? _channels;

    /// <summary>Creates a store over <paramref name="path"/> (created on the first save; its folder too).</summary>
    public FileChannelStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc />
    public async ValueTask<TempoChannel?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var all = await LoadAsync(cancellationToken).ConfigureAwait(false);
        lock (all)
        {
            return all.TryGetValue(key, out var channel) ? channel : null;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TempoChannel>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await LoadAsync(cancellationToken).ConfigureAwait(false);
        lock (all)
        {
            return all.Values.ToArray();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ChannelStoreException">The file could not be written.</exception>
    public async ValueTask SaveAsync(TempoChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var all = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] bytes;
            lock (all)
            {
                all[channel.Key] = channel;
                bytes = Serialize(all.Values);
            }

            var temp = _path + ".tmp";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    await file.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temp, _path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ChannelStoreException($"The channel store file {_path} could not be written ({e.GetType().Name}).", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async ValueTask<Dictionary<string, TempoChannel>> LoadAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _channels) is { } loaded)
        {
            return loaded;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channels is null)
            {
                Dictionary<string, TempoChannel> channels;
                try
                {
                    channels = File.Exists(_path) ? Parse(await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false)) : new(StringComparer.Ordinal);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ChannelStoreException($"The channel store file {_path} could not be read ({e.GetType().Name}).", e);
                }

                Volatile.Write(ref _channels, channels);
            }

            return _channels;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Dictionary<string, TempoChannel> Parse(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.GetProperty("version").GetInt32() != Version)
            {
                throw new ChannelStoreException($"The channel store file {_path} has an unknown version; it was written by a newer Mpp.Client.Tempo.");
            }

            var channels = new Dictionary<string, TempoChannel>(StringComparer.Ordinal);
            foreach (var c in root.GetProperty("channels").EnumerateArray())
            {
                var channel = ChannelJson.Read(c);
                channels[channel.Key] = channel;
            }

            return channels;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new ChannelStoreException($"The channel store file {_path} is not a valid channel store ({e.GetType().Name}); move it aside to start afresh, after closing its channels by hand.", e);
        }
    }

    private static byte[] Serialize(IEnumerable<TempoChannel> channels)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteStartArray("channels");
            foreach (var c in channels)
            {
                ChannelJson.Write(w, c);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
