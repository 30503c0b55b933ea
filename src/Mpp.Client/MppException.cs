namespace Mpp.Client;

/// <summary>Base class of every error Mpp.Client raises; <see cref="Code"/> tells what went wrong.</summary>
/// <remarks>Messages never contain a credential, a key or a payment payload.</remarks>
public class MppException : Exception
{
    /// <summary>Creates an exception with a code and a message.</summary>
    public MppException(MppErrorCode code, string message)
        : base(message) => Code = code;

    /// <summary>Creates an exception with a code, a message and the exception that caused it.</summary>
    public MppException(MppErrorCode code, string message, Exception? innerException)
        : base(message, innerException) => Code = code;

    /// <summary>The machine-readable reason.</summary>
    public MppErrorCode Code { get; }
}
