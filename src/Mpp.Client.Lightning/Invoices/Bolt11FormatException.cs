namespace Mpp.Client.Lightning.Invoices;

/// <summary>A BOLT11 invoice could not be decoded or failed a check of BOLT #11; <see cref="Error"/> says which.</summary>
/// <remarks>The message never repeats the invoice (a public document, but long and useless in logs).</remarks>
public sealed class Bolt11FormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why the invoice was rejected.</param>
    /// <param name="message">A description of the problem.</param>
    /// <param name="innerException">The cause, if any.</param>
    public Bolt11FormatException(Bolt11Error error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why the invoice was rejected.</summary>
    public Bolt11Error Error { get; }
}
