namespace Mpp.Client.Testing.Internal;

/// <summary>The state of one <c>Idempotency-Key</c> of one route: a gate that serializes its payments, and the accepted one.</summary>
internal sealed class IdempotencyEntry
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The payment accepted with this key, answered again to the same request.</summary>
    public CredentialVerification? Accepted { get; set; }
}
