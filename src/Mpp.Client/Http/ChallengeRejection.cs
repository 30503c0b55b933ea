namespace Mpp.Client.Http;

/// <summary>Why one challenge of a 402 was not paid.</summary>
/// <param name="ChallengeId">The challenge id, or null when the challenge could not be parsed.</param>
/// <param name="Method">The method, when known.</param>
/// <param name="Intent">The intent, when known.</param>
/// <param name="Reason">Why it was passed over (no secrets).</param>
public sealed record ChallengeRejection(string? ChallengeId, string? Method, string? Intent, string Reason);
