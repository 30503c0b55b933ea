namespace Mpp.Cli;

/// <summary>The documented exit codes of <c>mpp</c> (README, "The mpp command"); distinct so scripts can branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>Success: the request was answered (paid, or free), or the command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected internal error (a bug: please report it).</summary>
    public const int Internal = 1;

    /// <summary>The command line is wrong (unknown option, bad URL, bad amount).</summary>
    public const int Usage = 2;

    /// <summary>The configuration is wrong (a wallet setting, a cap, an unreadable file, an unusable ledger).</summary>
    public const int Configuration = 3;

    /// <summary>Nothing was paid: the policy, a cap, <c>--max</c>, a declined confirmation or no payable challenge said no.</summary>
    public const int Refused = 4;

    /// <summary>The server rejected the payment (it was not taken) or the payment failed in the wallet before money moved.</summary>
    public const int Rejected = 5;

    /// <summary>The outcome is unknown: money may have moved. Check <c>mpp pending</c> before trying again.</summary>
    public const int OutcomeUnknown = 6;

    /// <summary>The server could not be reached, or the connection failed or timed out.</summary>
    public const int Network = 7;

    /// <summary><c>mpp discover</c>: the service's discovery document is missing or breaks draft-payment-discovery-01.</summary>
    public const int InvalidDocument = 8;

    /// <summary>With <c>--fail</c>: the server answered with an HTTP error status (400 or above), as curl's 22.</summary>
    public const int HttpError = 22;
}
