using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>RFC 9457 problem details carried by a payment error response.</summary>
public sealed class PaymentProblem
{
    /// <summary>The base URI of the problem types defined by the core spec.</summary>
    public const string ProblemBaseUri = "https://paymentauth.org/problems/";

    private PaymentProblem(string? type, string? title, int? status, string? detail, string? challengeId, JsonElement raw)
    {
        Type = type;
        Title = title;
        Status = status;
        Detail = detail;
        ChallengeId = challengeId;
        Raw = raw;
        Kind = Classify(type);
    }

    /// <summary>The problem <c>type</c> URI as sent.</summary>
    public string? Type { get; }

    /// <summary>The problem type, when it is one the core spec defines.</summary>
    public PaymentProblemType Kind { get; }

    /// <summary>The <c>title</c>.</summary>
    public string? Title { get; }

    /// <summary>The <c>status</c>.</summary>
    public int? Status { get; }

    /// <summary>The <c>detail</c> (server text: display only).</summary>
    public string? Detail { get; }

    /// <summary>The <c>challengeId</c> extension member, when present.</summary>
    public string? ChallengeId { get; }

    /// <summary>The whole problem object, extension members included.</summary>
    public JsonElement Raw { get; }

    /// <summary>
    /// True when the problem proves the server did not take the payment, so a fresh challenge may be paid
    /// (<c>verification-failed</c>, <c>invalid-challenge</c>, <c>malformed-credential</c>, <c>payment-expired</c>,
    /// <c>invalid-payload</c>).
    /// </summary>
    public bool PaymentNotTaken => Kind is PaymentProblemType.VerificationFailed or PaymentProblemType.InvalidChallenge
        or PaymentProblemType.MalformedCredential or PaymentProblemType.PaymentExpired or PaymentProblemType.InvalidPayload;

    private static readonly (PaymentProblemType Kind, string Slug)[] Slugs =
    [
        (PaymentProblemType.PaymentRequired, "payment-required"),
        (PaymentProblemType.PaymentInsufficient, "payment-insufficient"),
        (PaymentProblemType.PaymentExpired, "payment-expired"),
        (PaymentProblemType.VerificationFailed, "verification-failed"),
        (PaymentProblemType.MethodUnsupported, "method-unsupported"),
        (PaymentProblemType.MalformedCredential, "malformed-credential"),
        (PaymentProblemType.InvalidChallenge, "invalid-challenge"),
        (PaymentProblemType.BadRequest, "bad-request"),
        (PaymentProblemType.InvalidPayload, "invalid-payload"),
        (PaymentProblemType.InternalPaymentError, "internal-payment-error"),
        (PaymentProblemType.PaymentActionRequired, "payment-action-required"),
    ];

    /// <summary>Maps a problem type URI to <see cref="PaymentProblemType"/>; only the spec's base URI is recognized.</summary>
    public static PaymentProblemType Classify(string? type)
    {
        if (type is null || !type.StartsWith(ProblemBaseUri, StringComparison.Ordinal))
        {
            return PaymentProblemType.Unknown;
        }

        var slug = type.AsSpan(ProblemBaseUri.Length);
        foreach (var (kind, s) in Slugs)
        {
            if (slug.SequenceEqual(s))
            {
                return kind;
            }
        }

        return PaymentProblemType.Unknown;
    }

    /// <summary>The type URI of a core problem type, e.g. <c>https://paymentauth.org/problems/verification-failed</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is <see cref="PaymentProblemType.Unknown"/>.</exception>
    public static string TypeUri(PaymentProblemType kind)
    {
        foreach (var (k, slug) in Slugs)
        {
            if (k == kind)
            {
                return ProblemBaseUri + slug;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a core problem type.");
    }

    /// <summary>Parses a problem details body; returns <see langword="null"/> when it is not a JSON object.</summary>
    public static PaymentProblem? TryParse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            var root = JsonElement.Parse(json); // one document of its own: nothing pooled to clone from
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new PaymentProblem(
                Str(root, "type"),
                Str(root, "title"),
                root.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.Number && st.TryGetInt32(out var s) ? s : null,
                Str(root, "detail"),
                Str(root, "challengeId"),
                root);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Creates a problem object (used by servers, such as the testing package).</summary>
    public static PaymentProblem Create(string type, string title, int status, string? detail = null, string? challengeId = null)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(
            new ProblemBody { Type = type, Title = title, Status = status, Detail = detail, ChallengeId = challengeId },
            MppJsonContext.Default.ProblemBody));
        return new PaymentProblem(type, title, status, detail, challengeId, doc.RootElement.Clone());
    }

    /// <inheritdoc />
    public override string ToString() => $"{Status} {Type} {Title}";

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
