using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>URIs and titles of the core spec's problem types (§ "Error Codes").</summary>
internal static class ProblemTypes
{
    public static string Uri(PaymentProblemType type) => PaymentProblem.TypeUri(type);

    public static string Title(PaymentProblemType type) => type switch
    {
        PaymentProblemType.PaymentRequired => "Payment Required",
        PaymentProblemType.PaymentInsufficient => "Payment Insufficient",
        PaymentProblemType.PaymentExpired => "Payment Expired",
        PaymentProblemType.VerificationFailed => "Payment Verification Failed",
        PaymentProblemType.MethodUnsupported => "Method Unsupported",
        PaymentProblemType.MalformedCredential => "Malformed Credential",
        PaymentProblemType.InvalidChallenge => "Invalid Challenge",
        PaymentProblemType.BadRequest => "Bad Request",
        PaymentProblemType.InvalidPayload => "Invalid Payload",
        PaymentProblemType.InternalPaymentError => "Internal Payment Error",
        PaymentProblemType.PaymentActionRequired => "Payment Action Required",
        _ => "Payment Error",
    };

    public static PaymentProblem Create(PaymentProblemType type, int status, string detail, string? challengeId = null) =>
        PaymentProblem.Create(Uri(type), Title(type), status, detail, challengeId);
}
