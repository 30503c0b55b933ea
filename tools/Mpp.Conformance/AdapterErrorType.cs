namespace Mpp.Conformance;

/// <summary>The <c>error.type</c> values of the harness ABI (<c>protocol.schema.json#/$defs/ErrorType</c>).</summary>
public static class AdapterErrorType
{
    /// <summary>A header or value could not be parsed.</summary>
    public const string Parse = "parse_error";

    /// <summary>An object could not be formatted (for example a CR/LF would be written into a header).</summary>
    public const string Format = "format_error";

    /// <summary>Base64url or UTF-8 text is invalid.</summary>
    public const string Encoding = "encoding_error";

    /// <summary>A challenge id could not be generated (for example the secret is too short).</summary>
    public const string Generation = "generation_error";

    /// <summary>A verification was refused.</summary>
    public const string Verification = "verification_error";

    /// <summary>An HTTP exchange failed.</summary>
    public const string Http = "http_error";

    /// <summary>The adapter does not implement the operation.</summary>
    public const string UnsupportedOperation = "unsupported_operation";

    /// <summary>Anything else, including a malformed request envelope.</summary>
    public const string Unknown = "unknown_error";
}
