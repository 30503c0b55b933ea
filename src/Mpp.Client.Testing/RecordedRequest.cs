using System.Text;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>One request an <see cref="MppTestServer"/> received, with what it answered. Payment credentials are never kept.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(
        DateTimeOffset receivedAt,
        string method,
        string path,
        string query,
        IReadOnlyDictionary<string, string> headers,
        IReadOnlyList<string> credentialHeaders,
        string? challengeId,
        string? idempotencyKey,
        string? acceptPayment,
        ReadOnlyMemory<byte> body,
        int statusCode,
        PaymentProblemType? problem)
    {
        ReceivedAt = receivedAt;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        CredentialHeaders = credentialHeaders;
        ChallengeId = challengeId;
        IdempotencyKey = idempotencyKey;
        AcceptPayment = acceptPayment;
        Body = body;
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>When the request arrived, by the server's <see cref="MppTestServerOptions.TimeProvider"/>.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The request path, e.g. <c>/paid</c>.</summary>
    public string Path { get; }

    /// <summary>The query string including its <c>?</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>
    /// The request header fields (several lines of one field comma-joined). A Payment credential's value is replaced by
    /// <c>Payment [redacted]</c>; other <c>Authorization</c> schemes (e.g. Bearer) are kept.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The fields that carried a Payment credential (<c>Authorization</c>, <c>Payment-Authorization</c>), in that order.</summary>
    public IReadOnlyList<string> CredentialHeaders { get; }

    /// <summary>True when the request carried at least one Payment credential.</summary>
    public bool HasCredential => CredentialHeaders.Count > 0;

    /// <summary>The challenge id the credential echoed, when it could be read.</summary>
    public string? ChallengeId { get; }

    /// <summary>The <c>Idempotency-Key</c> header, if any.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The <c>Accept-Payment</c> header, if any.</summary>
    public string? AcceptPayment { get; }

    /// <summary>The request body bytes (empty when there was none).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The request body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>The status code the server answered.</summary>
    public int StatusCode { get; }

    /// <summary>The problem type of an error answer (<c>payment-required</c> for a first 402), or <see langword="null"/>.</summary>
    public PaymentProblemType? Problem { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Method} {Path}{Query} -> {StatusCode}{(Problem is { } p ? " " + p : string.Empty)}{(HasCredential ? " (credential in " + string.Join(", ", CredentialHeaders) + ")" : string.Empty)}";
}
