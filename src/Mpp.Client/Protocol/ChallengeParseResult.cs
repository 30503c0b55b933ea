namespace Mpp.Client.Protocol;

/// <summary>The outcome of parsing one <c>Payment</c> challenge: the challenge, or why it was rejected.</summary>
public sealed class ChallengeParseResult
{
    internal ChallengeParseResult(Challenge? challenge, string? error)
    {
        Challenge = challenge;
        Error = error;
    }

    /// <summary>A challenge that parsed (for schemes and transports that read challenges themselves).</summary>
    public static ChallengeParseResult Success(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return new ChallengeParseResult(challenge, null);
    }

    /// <summary>A challenge that did not parse, with why (no secrets).</summary>
    public static ChallengeParseResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new ChallengeParseResult(null, error);
    }

    /// <summary>The parsed challenge, or <see langword="null"/> when it was malformed.</summary>
    public Challenge? Challenge { get; }

    /// <summary>Why the challenge was rejected, or <see langword="null"/> when it parsed.</summary>
    public string? Error { get; }
}
