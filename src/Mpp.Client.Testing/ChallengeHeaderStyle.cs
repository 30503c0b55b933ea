namespace Mpp.Client.Testing;

/// <summary>How a 402 response that offers several challenges writes them.</summary>
public enum ChallengeHeaderStyle
{
    /// <summary>One <c>WWW-Authenticate</c> field line per challenge.</summary>
    SeparateFields,

    /// <summary>All challenges comma-joined in a single <c>WWW-Authenticate</c> field value.</summary>
    SingleField,
}
