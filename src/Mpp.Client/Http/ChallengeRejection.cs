using Mpp.Client.Methods;

namespace Mpp.Client.Http;

/// <summary>Why one challenge of a 402 was not paid.</summary>
public sealed class ChallengeRejection
{
    /// <summary>Creates a rejection.</summary>
    /// <param name="code">The machine-readable reason.</param>
    /// <param name="reason">Why it was passed over (no secrets).</param>
    public ChallengeRejection(MppErrorCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Code = code;
        Reason = reason;
    }

    /// <summary>The challenge id, or null when the challenge could not be parsed.</summary>
    public string? ChallengeId { get; init; }

    /// <summary>The method, when known.</summary>
    public string? Method { get; init; }

    /// <summary>The intent, when known.</summary>
    public string? Intent { get; init; }

    /// <summary>The machine-readable reason.</summary>
    public MppErrorCode Code { get; }

    /// <summary>Why it was passed over (no secrets).</summary>
    public string Reason { get; }

    /// <summary>The quote, when the terms could be read (so a refusal can still show what it would have cost).</summary>
    public PaymentQuote? Quote { get; init; }

    /// <summary>A rejection of <paramref name="challenge"/>, with its quote when its terms could be counted.</summary>
    internal static ChallengeRejection Of(Protocol.Challenge challenge, MppErrorCode code, string reason, PaymentQuote? quote = null) =>
        new(code, reason) { ChallengeId = challenge.Id, Method = challenge.Method, Intent = challenge.Intent, Quote = quote };

    /// <summary>A rejection of the challenge <paramref name="quote"/> prices, carrying the quote.</summary>
    internal static ChallengeRejection Of(PaymentQuote quote, MppErrorCode code, string reason) => Of(quote.Challenge, code, reason, quote);

    /// <inheritdoc />
    public override string ToString() => $"{Method ?? "?"}/{Intent ?? "?"} {ChallengeId}: {Code}: {Reason}";
}
