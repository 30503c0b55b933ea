namespace Mpp.Client.Tempo.Keys;

/// <summary>The built-in <see cref="ITempoSigner"/>: a private key held in memory (<c>Mpp:Tempo:PrivateKey</c>).</summary>
internal sealed class TempoKeySigner : ITempoSigner
{
    public TempoKeySigner(TempoPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
    }

    public TempoPrivateKey Key { get; }

    public string Address => Key.Address;

    public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken) =>
        new(Key.SignHash(digest.Span).ToRsv());

    public override string ToString() => $"TempoKeySigner {{ Address = {Address} }}";
}
