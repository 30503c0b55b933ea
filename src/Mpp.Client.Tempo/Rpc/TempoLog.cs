using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>One event log of a receipt: the emitting contract, its topics (32-byte hex) and data.</summary>
internal sealed class TempoLog
{
    private readonly byte[] _data;

    public TempoLog(string address, IReadOnlyList<string> topics, ReadOnlySpan<byte> data, ulong logIndex)
    {
        ArgumentNullException.ThrowIfNull(topics);
        Address = EvmAddress.Normalize(address);
        Topics = topics;
        _data = data.ToArray();
        LogIndex = logIndex;
    }

    /// <summary>The emitting contract, lower-case hex.</summary>
    public string Address { get; }

    /// <summary>Topics, lower-case 0x-prefixed 32-byte hex; topic 0 is the event signature hash.</summary>
    public IReadOnlyList<string> Topics { get; }

    public ReadOnlySpan<byte> Data => _data;

    public ulong LogIndex { get; }

    public override string ToString() => $"TempoLog {{ Address = {Address}, Topics = {Topics.Count}, LogIndex = {LogIndex} }}";
}
