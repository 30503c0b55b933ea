namespace Mpp.Client.Lightning.Nodes;

/// <summary>Why a node refused or failed a payment.</summary>
public enum LightningNodeError
{
    /// <summary>No route to the payee within the fee limit.</summary>
    NoRoute,

    /// <summary>The node's channels do not hold enough to pay.</summary>
    InsufficientBalance,

    /// <summary>The payment did not complete within the node's payment timeout.</summary>
    Timeout,

    /// <summary>The payee refused the payment details (wrong amount, unknown or expired invoice).</summary>
    IncorrectPaymentDetails,

    /// <summary>The node already paid this invoice.</summary>
    AlreadyPaid,

    /// <summary>A payment to this hash is already in flight.</summary>
    InFlight,

    /// <summary>The node refused the credentials (macaroon) or its certificate did not match the pinned one.</summary>
    Unauthorized,

    /// <summary>The node could not be reached or answered with an error; whether it paid is unknown.</summary>
    Unavailable,

    /// <summary>The node failed the payment for another reason.</summary>
    Failed,
}
