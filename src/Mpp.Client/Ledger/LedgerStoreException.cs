namespace Mpp.Client.Ledger;

/// <summary>
/// A durable ledger store failed: it cannot be opened, read or written (<see cref="MppErrorCode.LedgerUnavailable"/>),
/// holds a schema from a newer version (<see cref="MppErrorCode.LedgerSchemaUnsupported"/>), or a reservation was
/// released before it was sent (<see cref="MppErrorCode.ReservationExpired"/>). Raised at start or on the payment, before
/// any credential leaves the process: the ledger fails closed.
/// </summary>
/// <remarks>Messages never contain a connection string, a password or a key.</remarks>
public sealed class LedgerStoreException : MppException
{
    /// <summary>Creates the exception.</summary>
    public LedgerStoreException(MppErrorCode code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }
}
