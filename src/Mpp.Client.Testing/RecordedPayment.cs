using System.Text.Json;

namespace Mpp.Client.Testing;

/// <summary>One payment an <see cref="MppTestServer"/> accepted and settled.</summary>
public sealed class RecordedPayment
{
    internal RecordedPayment(
        string path,
        string challengeId,
        string method,
        string intent,
        string amount,
        string currency,
        string? recipient,
        string reference,
        DateTimeOffset settledAt,
        JsonElement? source,
        string? idempotencyKey)
    {
        Path = path;
        ChallengeId = challengeId;
        Method = method;
        Intent = intent;
        Amount = amount;
        Currency = currency;
        Recipient = recipient;
        Reference = reference;
        SettledAt = settledAt;
        Source = source;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The route paid for.</summary>
    public string Path { get; }

    /// <summary>The id of the challenge the credential answered (now consumed, unless the verifier kept it for more payments).</summary>
    public string ChallengeId { get; }

    /// <summary>The payment method.</summary>
    public string Method { get; }

    /// <summary>The payment intent.</summary>
    public string Intent { get; }

    /// <summary>The amount in base units, as offered.</summary>
    public string Amount { get; }

    /// <summary>The currency, as offered.</summary>
    public string Currency { get; }

    /// <summary>The recipient, as offered.</summary>
    public string? Recipient { get; }

    /// <summary>The receipt reference (e.g. <c>test_1</c>).</summary>
    public string Reference { get; }

    /// <summary>When the payment was settled (the receipt timestamp).</summary>
    public DateTimeOffset SettledAt { get; }

    /// <summary>The credential's <c>source</c>, if any.</summary>
    public JsonElement? Source { get; }

    /// <summary>The request's <c>Idempotency-Key</c>, if any.</summary>
    public string? IdempotencyKey { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Method}/{Intent} {Amount} {Currency} for {Path} ({Reference})";
}
