using Microsoft.Extensions.Logging;

namespace Mpp.Client.Diagnostics;

/// <summary>
/// Every log message of the SDK. Values are allow-listed: hosts, paths, methods, amounts, references, reasons. A credential,
/// payload, key or token is never a parameter here.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "402 Payment Required from {Origin}{Path}: {ChallengeCount} Payment challenge(s)")]
    public static partial void PaymentRequired(ILogger logger, string origin, string path, int challengeCount);

    [LoggerMessage(2, LogLevel.Debug, "Challenge {ChallengeId} ({Method}/{Intent}) passed over: {Reason}")]
    public static partial void ChallengeRejected(ILogger logger, string? challengeId, string? method, string? intent, string reason);

    [LoggerMessage(3, LogLevel.Information, "Paying {Amount} {Unit} ({Method}/{Intent}, challenge {ChallengeId}) to {Origin}")]
    public static partial void Paying(ILogger logger, decimal amount, string unit, string method, string intent, string challengeId, string origin);

    [LoggerMessage(4, LogLevel.Warning, "Payment refused ({Code}) for {Origin}: {Reason}")]
    public static partial void PaymentRefused(ILogger logger, MppErrorCode code, string origin, string reason);

    [LoggerMessage(5, LogLevel.Information, "Paid {Amount} {Unit} ({Method}/{Intent}) to {Origin}; receipt reference {Reference}")]
    public static partial void PaymentSucceeded(ILogger logger, decimal amount, string unit, string method, string intent, string origin, string? reference);

    [LoggerMessage(6, LogLevel.Warning, "Payment of {Amount} {Unit} to {Origin} answered {StatusCode} with problem {ProblemType}; payment not taken: {NotTaken}")]
    public static partial void PaymentRejected(ILogger logger, decimal amount, string unit, string origin, int statusCode, string? problemType, bool notTaken);

    [LoggerMessage(7, LogLevel.Warning, "Paid request to {Origin} failed transiently ({Reason}); resending the same credential, attempt {Attempt}")]
    public static partial void TransientRetry(ILogger logger, string origin, string reason, int attempt);

    [LoggerMessage(8, LogLevel.Warning, "Paid response from {Origin} carries an invalid Payment-Receipt: {Reason}")]
    public static partial void InvalidReceipt(ILogger logger, string origin, string reason);

    [LoggerMessage(9, LogLevel.Error, "Payment of {Amount} {Unit} to {Origin} has an unknown outcome; it stays counted: {Reason}")]
    public static partial void PaymentUnknown(ILogger logger, decimal amount, string unit, string origin, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Payment observer {Observer} failed")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(11, LogLevel.Debug, "Following redirect {StatusCode} from {From} to {To}")]
    public static partial void Redirect(ILogger logger, int statusCode, string from, string to);

    [LoggerMessage(20, LogLevel.Information, "Ledger entry {EntryId} resolved as {Outcome} ({By})")]
    public static partial void EntryResolved(ILogger logger, Guid entryId, Mpp.Client.Ledger.LedgerOutcome outcome, string by);

    [LoggerMessage(21, LogLevel.Warning, "Reconciler {Reconciler} failed to look up ledger entry {EntryId}: {ErrorType}")]
    public static partial void ReconcilerFailed(ILogger logger, string reconciler, Guid entryId, string errorType);

    [LoggerMessage(22, LogLevel.Warning, "Payment method {Wallet} failed to create a credential ({Code}, funds may have moved: {FundsMayHaveMoved}): {Reason}")]
    public static partial void WalletFailed(ILogger logger, string wallet, MppErrorCode code, bool fundsMayHaveMoved, string reason);

    [LoggerMessage(23, LogLevel.Warning, "Extension {Extension} failed for challenge {ChallengeId}: {ErrorType}")]
    public static partial void ExtensionFailed(ILogger logger, string extension, string? challengeId, string errorType);

    // Configuration: ids from 100, apart from the payment flow's.
    [LoggerMessage(100, LogLevel.Error, "Configuration change of {Section} rejected; the last valid configuration stays in force. {ProblemCount} problem(s): {Problems}")]
    public static partial void ConfigurationRejected(ILogger logger, string section, int problemCount, string problems);

    [LoggerMessage(101, LogLevel.Information, "Configuration of {Section} is valid again and in force")]
    public static partial void ConfigurationApplied(ILogger logger, string section);
}
