using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// An HTTP payment scheme the handler understands: where a 402 carries its challenges, where the credential goes, where
/// the receipt comes back, and which headers are secrets. The core's <c>Payment</c> scheme (<c>WWW-Authenticate</c>,
/// <c>Authorization</c> or <c>Payment-Authorization</c>, <c>Payment-Receipt</c>) is built in; another scheme (x402) is
/// added with <c>MppBuilder.AddScheme</c> and is paid under the same policy, ledger and budget.
/// </summary>
public interface IHttpPaymentScheme
{
    /// <summary>The scheme's name; the <see cref="Challenge.Scheme"/> of every challenge it reads.</summary>
    string Name { get; }

    /// <summary>Headers that carry this scheme's credentials: removed on every redirect and never logged.</summary>
    IReadOnlyCollection<string> SensitiveHeaders { get; }

    /// <summary>
    /// Reads this scheme's challenges from a 402 (headers or body; a body read must leave it readable for the caller),
    /// adding each — or why it could not be read — to <paramref name="challenges"/>.
    /// </summary>
    ValueTask ReadChallengesAsync(HttpResponseMessage response, ICollection<ChallengeParseResult> challenges, CancellationToken cancellationToken);

    /// <summary>Puts <paramref name="credential"/> on the request (a bearer secret: only in a sensitive header).</summary>
    void ApplyCredential(HttpRequestMessage request, Credential credential);

    /// <summary>Removes any credential of this scheme from the request.</summary>
    void RemoveCredential(HttpRequestMessage request);

    /// <summary>
    /// Reads the receipt of a paid response: the receipt, or null with <paramref name="error"/> set when one was sent but
    /// is unusable, or null with no error when none was sent.
    /// </summary>
    PaymentReceipt? ReadReceipt(HttpResponseMessage response, out string? error);
}
