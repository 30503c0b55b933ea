namespace Mpp.Client.Tempo.Encoding;

/// <summary>One decoded RLP item: a byte string, or a list of items.</summary>
internal sealed class RlpItem
{
    private RlpItem(byte[]? bytes, IReadOnlyList<RlpItem>? items)
    {
        Bytes = bytes;
        Items = items;
    }

    /// <summary>The string's bytes, or null for a list.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The list's items, or null for a string.</summary>
    public IReadOnlyList<RlpItem>? Items { get; }

    public bool IsList => Items is not null;

    public static RlpItem String(byte[] bytes) => new(bytes, null);

    public static RlpItem List(IReadOnlyList<RlpItem> items) => new(null, items);

    public byte[] AsBytes() => Bytes ?? throw new FormatException("Expected an RLP string, found a list.");

    public IReadOnlyList<RlpItem> AsList() => Items ?? throw new FormatException("Expected an RLP list, found a string.");
}
