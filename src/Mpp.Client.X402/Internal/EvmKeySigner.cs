using Mpp.Client.Tempo.Keys;

namespace Mpp.Client.X402.Internal;

/// <summary>The built-in <see cref="IEvmSigner"/>: a private key held in memory (<c>Mpp:X402:PrivateKey</c>).</summary>
internal sealed class EvmKeySigner(TempoPrivateKey key) : IEvmSigner
{
    public TempoPrivateKey Key { get; } = key ?? throw new ArgumentNullException(nameof(key));

    public string Address => Key.Address;

    public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken) =>
        new(Key.SignHash(digest.Span).ToRsv());

    public override string ToString() => $"EvmKeySigner {{ Address = {Address} }}";
}
