namespace Mpp.Client.Lightning.Nodes;

/// <summary>A node refused or failed a payment; <see cref="Error"/> says why. The message never holds a secret.</summary>
public sealed class LightningNodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why the payment failed.</param>
    /// <param name="message">A description without secrets.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LightningNodeException(LightningNodeError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why the payment failed.</summary>
    public LightningNodeError Error { get; }

    /// <summary>True when the node says the payment did not and will not happen (no money moved).</summary>
    public bool IsDefinitive => Error is not (LightningNodeError.Unavailable or LightningNodeError.InFlight or LightningNodeError.AlreadyPaid);
}
