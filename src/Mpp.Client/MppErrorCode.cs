namespace Mpp.Client;

/// <summary>Machine-readable reason carried by every <see cref="MppException"/>.</summary>
public enum MppErrorCode
{
    /// <summary>A <c>WWW-Authenticate: Payment</c> challenge could not be parsed or is missing a required parameter.</summary>
    InvalidChallenge,

    /// <summary>A Payment credential could not be parsed.</summary>
    InvalidCredential,

    /// <summary>A <c>Payment-Receipt</c> header could not be parsed.</summary>
    InvalidReceipt,

    /// <summary>Text is not valid base64url, UTF-8 or JSON.</summary>
    InvalidEncoding,

    /// <summary>A value cannot be written into a header (for example it holds CR or LF).</summary>
    InvalidHeaderValue,

    /// <summary>A challenge-id secret or input is unusable.</summary>
    InvalidChallengeIdInput,

    /// <summary>The 402 response carried no challenge that a registered payment method, the policy and the budget allow.</summary>
    NoPayableChallenge,

    /// <summary>The spending policy or a budget cap refused the payment.</summary>
    PolicyRefused,

    /// <summary>The approver (<see cref="Policy.IPaymentApprover"/>) vetoed the payment.</summary>
    ApprovalDenied,

    /// <summary>The request body cannot be sent a second time, so it cannot be paid for.</summary>
    BodyNotReplayable,

    /// <summary>The body that would be resent does not match the challenge's <c>digest</c>.</summary>
    DigestMismatch,

    /// <summary>A credential would have crossed to an origin other than the one the caller asked for.</summary>
    CrossOriginRefused,

    /// <summary>A credential would have been sent over plain HTTP to a non-loopback host.</summary>
    InsecureTransport,

    /// <summary>A payment method failed to create a credential.</summary>
    CredentialCreationFailed,

    /// <summary>The server answered the credential with an error; see the problem details.</summary>
    PaymentRejected,

    /// <summary>The bounded number of payment rounds was used up.</summary>
    PaymentRoundsExhausted,
}
