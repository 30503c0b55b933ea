namespace Mpp.Client.Protocol;

/// <summary>A protocol value (challenge, credential, receipt, base64url text) could not be parsed or formatted.</summary>
public sealed class MppFormatException : MppException
{
    /// <summary>Creates the exception.</summary>
    public MppFormatException(MppErrorCode code, string message)
        : base(code, message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MppFormatException(MppErrorCode code, string message, Exception? innerException)
        : base(code, message, innerException)
    {
    }
}
