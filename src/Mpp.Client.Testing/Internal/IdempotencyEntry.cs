namespace Mpp.Client.Testing.Internal;

/// <summary>The state of one <c>Idempotency-Key</c> of one route: a gate that serializes its requests, and the stored response.</summary>
internal sealed class IdempotencyEntry
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public StoredResponse? Response { get; set; }
}
