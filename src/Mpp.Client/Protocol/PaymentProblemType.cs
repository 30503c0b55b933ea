namespace Mpp.Client.Protocol;

/// <summary>The problem types of core spec draft-02 § "Error Codes" (base URI <c>https://paymentauth.org/problems/</c>).</summary>
public enum PaymentProblemType
{
    /// <summary>A type this SDK does not know, or no problem details at all.</summary>
    Unknown,

    /// <summary><c>payment-required</c>: the resource requires payment.</summary>
    PaymentRequired,

    /// <summary><c>payment-insufficient</c>: the amount was too low.</summary>
    PaymentInsufficient,

    /// <summary><c>payment-expired</c>: the challenge or authorization expired.</summary>
    PaymentExpired,

    /// <summary><c>verification-failed</c>: the proof was invalid.</summary>
    VerificationFailed,

    /// <summary><c>method-unsupported</c> (400): the method is not accepted.</summary>
    MethodUnsupported,

    /// <summary><c>malformed-credential</c>: the credential could not be read.</summary>
    MalformedCredential,

    /// <summary><c>invalid-challenge</c>: the challenge id is unknown or already used.</summary>
    InvalidChallenge,

    /// <summary><c>bad-request</c> (400).</summary>
    BadRequest,

    /// <summary><c>invalid-payload</c>: the payload does not match the method's schema.</summary>
    InvalidPayload,

    /// <summary><c>internal-payment-error</c> (500).</summary>
    InternalPaymentError,

    /// <summary><c>payment-action-required</c>: the payment needs further action.</summary>
    PaymentActionRequired,
}
