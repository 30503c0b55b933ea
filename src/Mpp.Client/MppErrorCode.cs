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

    /// <summary>The spending policy refused the payment: a method, host, asset or recipient not allowed, an unknown asset, or no cap for the unit. Nothing was paid.</summary>
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

    /// <summary>
    /// A budget cap refused the payment, whichever cap it was (per request, <c>SetMaxPayment</c>, a rolling window, a host,
    /// a client, the lifetime); the reason names the cap. Nothing was paid.
    /// </summary>
    BudgetExceeded,

    /// <summary>
    /// A credential was sent (or a wallet started moving funds) and no definite answer came back: the payment may have been
    /// taken. The amount stays counted in the ledger until the entry is resolved.
    /// </summary>
    PaymentOutcomeUnknown,

    /// <summary>The payment method did not create a credential within <c>CredentialTimeout</c>.</summary>
    CredentialTimeout,

    /// <summary>The payer must act before this payment can be made (e.g. a card needs 3-D Secure); the details say what.</summary>
    PaymentActionRequired,

    /// <summary>An extension (a payment method's <c>ReadTerms</c>, an approver) failed with an unexpected error; nothing was paid.</summary>
    ExtensionFailed,

    /// <summary>
    /// The ledger's store cannot be used: a SQLite file that is corrupt or not writable, a database that cannot be reached,
    /// a failed read or write. Nothing was paid: no credential is created without a reservation.
    /// </summary>
    LedgerUnavailable,

    /// <summary>The ledger's store holds a schema written by a newer version of the SDK; this version refuses to use it.</summary>
    LedgerSchemaUnsupported,

    /// <summary>
    /// The reservation was released before its credential was sent (its lease ran out, or it was resolved elsewhere), so
    /// the credential must not be sent. Nothing was paid.
    /// </summary>
    ReservationExpired,
}
