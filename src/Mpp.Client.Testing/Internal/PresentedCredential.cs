using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// A credential presented for a paid route, with what the transport knows about it. Over HTTP: the field it came in, the
/// body and method (for the digest) and the <c>Idempotency-Key</c>; a direct <see cref="MppTestServer.VerifyAsync"/> has
/// no field (not checked), an empty body, no method and no key.
/// </summary>
internal sealed record PresentedCredential(
    PaidRoute Route,
    Credential Credential,
    string? Field,
    ReadOnlyMemory<byte> Body,
    string? HttpMethod,
    string? IdempotencyKey);
