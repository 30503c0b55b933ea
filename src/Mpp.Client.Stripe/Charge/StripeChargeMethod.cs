using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Stripe.Charge;

/// <summary>
/// The stripe/charge wallet (draft-stripe-charge-00): for each challenge it mints one Shared Payment Token limited to
/// exactly that charge (currency, <c>max_amount</c> = the amount, <c>expires_at</c> no later than the challenge, the
/// seller's network profile) and sends <c>{"spt": "spt_…"}</c>, plus <c>externalId</c> when the request binds one
/// (mppx 0.11.0 refuses a credential that does not echo it).
/// </summary>
internal sealed class StripeChargeMethod : IPaymentMethod
{
    private readonly ISharedPaymentTokenIssuer _issuer;
    private readonly HashSet<string> _types;
    private readonly TimeSpan _tokenLifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StripeChargeMethod(ISharedPaymentTokenIssuer issuer, IEnumerable<string> paymentMethodTypes, TimeSpan tokenLifetime, TimeProvider time, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(paymentMethodTypes);
        ArgumentNullException.ThrowIfNull(time);
        _issuer = issuer;
        _types = new HashSet<string>(paymentMethodTypes, StringComparer.Ordinal);
        _tokenLifetime = tokenLifetime;
        _time = time;
    }

    public string Method => "stripe";

    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    internal ISharedPaymentTokenIssuer Issuer => _issuer;

    public PaymentTerms ReadTerms(Challenge challenge)
    {
        var request = Check(StripeChargeRequestReader.Read(challenge), m => new MppException(MppErrorCode.InvalidChallenge, m));
        return new PaymentTerms(request.Amount, request.Currency, request.NetworkId, externalId: request.ExternalId) { Kind = PaymentKind.Charge };
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var challenge = attempt.Quote.Challenge;
        StripeChargeRequest request;
        try
        {
            request = StripeChargeRequestReader.Read(challenge);
        }
        catch (MppException e)
        {
            throw Refused(e.Message, e);
        }

        Check(request, m => Refused(m));
        var now = _time.GetUtcNow();
        var expires = attempt.Quote.ExpiresAt;
        if (expires is { } at && at <= now.AddSeconds(1))
        {
            throw Refused("The challenge has expired.");
        }

        var token = new SharedPaymentTokenRequest
        {
            Currency = request.Currency,
            MaxAmount = request.Amount,
            // The challenge's expiry when it has one (the same on every retry, so the idempotency key replays); otherwise
            // the lifetime from now, to the minute.
            ExpiresAt = expires ?? TruncateToMinute(now + _tokenLifetime),
            NetworkId = request.NetworkId,
            ExternalId = request.ExternalId,
            Metadata = request.Metadata,
            IdempotencyKey = IdempotencyKey(attempt.IdempotencyKey, _issuer.Identity),
            ChallengeId = challenge.Id,
        };

        SharedPaymentToken minted;
        try
        {
            minted = await _issuer.IssueAsync(token, cancellationToken).ConfigureAwait(false);
        }
        catch (PaymentMethodException e)
        {
            StripeChargeLog.MintFailed(_logger, challenge.Id, e.Message, e.Details.GetValueOrDefault("stripe.code"), e.Details.GetValueOrDefault("stripe.request_id"));
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Refused($"The Shared Payment Token issuer failed ({e.GetType().Name}).", e);
        }

        StripeChargeLog.Minted(_logger, challenge.Id, request.Amount, request.Currency, Truncate(minted.Status));
        switch (minted.Status)
        {
            case "active":
                return new PaymentPayload(Payload(minted.Id, request.ExternalId));
            case "requires_action":
                var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["stripe.token_status"] = minted.Status };
                if (minted.NextAction is { } next)
                {
                    details["next_action"] = next.GetRawText();
                    if (next.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String)
                    {
                        details["next_action.type"] = type.GetString()!;
                    }
                }

                throw new PaymentMethodException(MppErrorCode.PaymentActionRequired, "The payment method requires an action by the payer (e.g. 3-D Secure) before Stripe issues the token; nothing was sent.", details);
            default:
                throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, $"Stripe issued the token with status '{Truncate(minted.Status)}', not active; nothing was sent.",
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["stripe.token_status"] = Truncate(minted.Status) });
        }
    }

    /// <summary>Policy rules of the wallet itself: payment method types, and test/live mode (before anything is minted).</summary>
    private StripeChargeRequest Check(StripeChargeRequest request, Func<string, Exception> refuse)
    {
        if (!request.PaymentMethodTypes.Any(_types.Contains))
        {
            throw refuse($"methodDetails.paymentMethodTypes lists none of the types the configured payment method serves ({string.Join(", ", _types.Order(StringComparer.Ordinal))}).");
        }

        if (_issuer.LiveMode is { } live)
        {
            var requestLive = request.LiveMode ?? NetworkMode(request.NetworkId);
            if (requestLive is { } l && l != live)
            {
                throw refuse(live
                    ? "The challenge is for Stripe test mode and this wallet mints with a live key; test and live never mix."
                    : "The challenge is for Stripe live mode and this wallet mints with a test key; test and live never mix.");
            }
        }

        return request;
    }

    /// <summary>A network id marked as test (<c>profile_test_…</c>) says test mode; otherwise the id says nothing.</summary>
    private static bool? NetworkMode(string networkId) =>
        networkId.Contains("_test_", StringComparison.Ordinal) ? false : null;

    /// <summary>The attempt's key (challenge id, realm, method, payee) joined with the issuer's identity, length-prefixed and hashed.</summary>
    internal static string IdempotencyKey(string attemptKey, string issuerIdentity)
    {
        var input = $"{attemptKey.Length}:{attemptKey}{issuerIdentity.Length}:{issuerIdentity}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return "mpp-spt-" + Convert.ToHexStringLower(hash[..16]);
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerMinute), t.Offset);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40];

    private static JsonElement Payload(string spt, string? externalId)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("spt"u8, spt);
            if (externalId is not null)
            {
                writer.WriteString("externalId"u8, externalId);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    internal static PaymentMethodException Refused(string reason, Exception? inner = null, IReadOnlyDictionary<string, string>? details = null) =>
        new(MppErrorCode.CredentialCreationFailed, reason, details, fundsMayHaveMoved: false, innerException: inner);

    public override string ToString() => $"StripeChargeMethod {{ Issuer = {_issuer.Identity} }}";
}
