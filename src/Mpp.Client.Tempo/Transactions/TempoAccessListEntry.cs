using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>An EIP-2930 access list entry: RLP [address, [storageKey…]].</summary>
internal sealed class TempoAccessListEntry
{
    public TempoAccessListEntry(string address, IReadOnlyList<string> storageKeys)
    {
        ArgumentNullException.ThrowIfNull(storageKeys);
        Address = EvmAddress.Normalize(address);
        foreach (var key in storageKeys)
        {
            if (Hex.Decode(key).Length != 32)
            {
                throw new FormatException("A storage key is 32 bytes.");
            }
        }

        StorageKeys = [.. storageKeys.Select(k => Hex.Encode(Hex.Decode(k)))];
    }

    public string Address { get; }

    public IReadOnlyList<string> StorageKeys { get; }

    internal byte[] Encode() => Rlp.List(
        Rlp.Bytes(EvmAddress.ToBytes(Address)),
        Rlp.List(StorageKeys.Select(k => Rlp.Bytes(Hex.Decode(k)))));
}
