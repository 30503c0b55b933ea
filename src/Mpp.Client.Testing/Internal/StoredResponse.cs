namespace Mpp.Client.Testing.Internal;

/// <summary>A paid response kept for <c>Idempotency-Key</c> replays.</summary>
internal sealed record StoredResponse(int StatusCode, string? ContentType, byte[] Body, string? Receipt, string? Location, string ChallengeId);
