namespace Mpp.Client.Protocol;

/// <summary>The outcome of parsing one <c>Payment</c> challenge: the challenge, or why it was rejected.</summary>
public sealed class ChallengeParseResult
{
    internal ChallengeParseResult(Challenge? challenge, string? error)
    {
        Challenge = challenge;
        Error = error;
    }

    /// <summary>The parsed challenge, or <see langword="null"/> when it was malformed.</summary>
    public Challenge? Challenge { get; }

    /// <summary>Why the challenge was rejected, or <see langword="null"/> when it parsed.</summary>
    public string? Error { get; }
}
