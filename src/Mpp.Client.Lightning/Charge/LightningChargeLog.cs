using Microsoft.Extensions.Logging;

namespace Mpp.Client.Lightning.Charge;

/// <summary>The wallet's logs: challenge ids, payment hashes, amounts and fees; never a preimage or a macaroon.</summary>
internal static partial class LightningChargeLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Paying invoice {PaymentHash} for challenge {ChallengeId}: {AmountSat} sat, fee at most {MaxFeeSat} sat.")]
    public static partial void Paying(ILogger logger, string paymentHash, string challengeId, long amountSat, long maxFeeSat);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Paid invoice {PaymentHash} for challenge {ChallengeId}: {AmountSat} sat, fee {FeeMsat} msat.")]
    public static partial void Paid(ILogger logger, string paymentHash, string challengeId, long amountSat, long feeMsat);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Invoice {PaymentHash} was already paid by this node; its preimage is reused (challenge {ChallengeId}).")]
    public static partial void AlreadyPaid(ILogger logger, string paymentHash, string challengeId);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Paying invoice {PaymentHash} failed: {Error} ({Reason}).")]
    public static partial void PayFailed(ILogger logger, string paymentHash, string error, string reason);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Paying invoice {PaymentHash} had no clear outcome ({Reason}); looking it up.")]
    public static partial void Ambiguous(ILogger logger, string paymentHash, string reason);
}
