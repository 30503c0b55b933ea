namespace Mpp.Client.Tempo;

/// <summary>How a non-zero tempo/charge is handed to the server (draft-tempo-charge-01 § "Submission Modes").</summary>
public enum TempoSubmissionMode
{
    /// <summary>
    /// The wallet signs the transaction and the server broadcasts it (<c>type="transaction"</c>). Nothing moves until the
    /// server accepts the credential, so a refused credential costs nothing. The default.
    /// </summary>
    Pull = 0,

    /// <summary>
    /// The wallet broadcasts the transaction, waits for its receipt and sends the hash (<c>type="hash"</c>). The money
    /// has moved before the server sees the credential: a server that then refuses it keeps the payment. Never used
    /// when the server pays the fees (<c>feePayer: true</c>).
    /// </summary>
    Push = 1,
}
