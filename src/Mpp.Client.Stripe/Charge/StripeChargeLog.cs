using Microsoft.Extensions.Logging;

namespace Mpp.Client.Stripe.Charge;

/// <summary>The wallet's logs: challenge ids, statuses, Stripe's codes and request ids; never a key or a token id.</summary>
internal static partial class StripeChargeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Minted a Shared Payment Token for challenge {ChallengeId} ({Amount} {Currency}, status {Status}).")]
    public static partial void Minted(ILogger logger, string challengeId, long amount, string currency, string status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Minting a Shared Payment Token for challenge {ChallengeId} failed: {Reason} (Stripe code {StripeCode}, request {RequestId}).")]
    public static partial void MintFailed(ILogger logger, string challengeId, string reason, string? stripeCode, string? requestId);
}
