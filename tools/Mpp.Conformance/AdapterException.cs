namespace Mpp.Conformance;

/// <summary>
/// Raised by an operation to answer with an error. Without an explicit <see cref="ErrorType"/> the error takes the
/// operation's own error type (for example <c>parse_error</c> for <c>challenge.parse</c>).
/// </summary>
public sealed class AdapterException : Exception
{
    /// <summary>Creates an error of the operation's own error type.</summary>
    public AdapterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error of the given <paramref name="errorType"/> (one of <see cref="AdapterErrorType"/>).</summary>
    public AdapterException(string errorType, string message)
        : base(message) => ErrorType = errorType;

    /// <summary>Creates an error of the operation's own error type with its cause.</summary>
    public AdapterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error with no message (required by the exception pattern).</summary>
    public AdapterException()
    {
    }

    /// <summary>The error type to report, or <see langword="null"/> for the operation's own.</summary>
    public string? ErrorType { get; }
}
