using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// The one place a credential is judged, for HTTP requests and for <see cref="MppTestServer.VerifyAsync"/> alike: binding
/// (realm and HMAC id), credential field, route and price, idempotent replay, expiry, digest, single use, the method's
/// verifier, the route's forced failures, then the atomic consume, the payment record and the receipt.
/// </summary>
internal sealed class CredentialProcessor(ServerState state)
{
    public async Task<CredentialVerification> VerifyAsync(PresentedCredential attempt, CancellationToken cancellationToken)
    {
        var route = attempt.Route;
        var credential = attempt.Credential;
        var challenge = credential.Challenge;
        if (!string.Equals(challenge.Realm, state.Realm, StringComparison.Ordinal) || !ChallengeId.Verify(state.Secret, challenge))
        {
            return Refuse(PaymentProblemType.InvalidChallenge, "The challenge id is unknown.");
        }

        if (attempt.Field is { } field && !string.Equals(challenge.CredentialHeaderName, field, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(
                PaymentProblemType.InvalidChallenge,
                $"The credential for this challenge must be sent in {challenge.CredentialHeaderName ?? "a supported field"}, not {field}.");
        }

        var offer = route.FindOffer(challenge);
        if (offer is null)
        {
            return Refuse(PaymentProblemType.InvalidChallenge, "The challenge was not issued for this resource.");
        }

        IdempotencyEntry? entry = null;
        if (attempt.IdempotencyKey is { } key)
        {
            if (!route.Idempotency.TryGetValue(key, out entry))
            {
                entry = route.Idempotency.GetOrAdd(key, static (_, expiresAt) => new IdempotencyEntry(expiresAt), challenge.ExpiresAt);
                state.NoteIdempotencyKey();
            }

            entry.Cover(challenge.ExpiresAt);
            if (entry.Accepted is { } earlier && string.Equals(earlier.Payment!.ChallengeId, challenge.Id, StringComparison.Ordinal))
            {
                // The same paid request sent again (e.g. after a lost response): the same answer, no new payment.
                return earlier;
            }
        }

        if (challenge.ExpiresAt is { } expiresAt && expiresAt <= state.TimeProvider.GetUtcNow())
        {
            return Refuse(PaymentProblemType.PaymentExpired, "The challenge has expired.");
        }

        if (challenge.Digest is { } digest)
        {
            if (!ContentDigest.Matches(digest, attempt.Body.Span))
            {
                return Refuse(PaymentProblemType.VerificationFailed, "The request body does not match the challenge digest.");
            }
        }
        else if (route.RequiresDigest(attempt.HttpMethod, attempt.Body.Length))
        {
            return Refuse(PaymentProblemType.VerificationFailed, "The challenge does not bind this request body.");
        }

        if (state.IsConsumed(challenge.Id))
        {
            return Refuse(PaymentProblemType.InvalidChallenge, "The challenge has already been used.");
        }

        PaymentVerificationResult verification;
        if (!state.Verifiers.TryGetValue(challenge.Method, out var verifier))
        {
            verification = PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, $"The test server has no verifier for method '{challenge.Method}'.");
        }
        else
        {
            try
            {
                verification = await verifier.VerifyAsync(credential, new PaymentVerificationContext(route.Path, offer.Price, state.TimeProvider), cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The verifier returned null.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                state.CountRejection(PaymentProblemType.InternalPaymentError);
                return CredentialVerification.Failed(
                    StatusCodes.Status500InternalServerError,
                    PaymentProblemType.InternalPaymentError,
                    $"The verifier of method '{challenge.Method}' failed ({ex.GetType().Name}: {ex.Message}); the payment was not taken.");
            }
        }

        if (!verification.Succeeded)
        {
            return Refuse(verification.Problem, verification.Detail ?? "The payment was refused.");
        }

        if (route.TakeForcedVerificationFailure())
        {
            return Refuse(PaymentProblemType.VerificationFailed, "The payment could not be verified (forced by the test route).");
        }

        if (route.TakeForcedStatus())
        {
            var status = route.Options.ForcedStatusCode;
            return CredentialVerification.Failed(
                status,
                status == StatusCodes.Status500InternalServerError ? PaymentProblemType.InternalPaymentError : null,
                "Failure forced by the test route; the payment was not taken.");
        }

        if (entry is null)
        {
            return Settle(attempt, offer, verification);
        }

        // One payment per key at a time: the first settles and is kept, the others get what it got.
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Accepted is { } accepted)
            {
                return accepted;
            }

            var result = Settle(attempt, offer, verification);
            if (result.Succeeded)
            {
                entry.Accepted = result;
            }

            return result;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private CredentialVerification Settle(PresentedCredential attempt, OfferedPrice offer, PaymentVerificationResult verification)
    {
        var credential = attempt.Credential;
        var challenge = credential.Challenge;
        if (verification.ConsumeChallenge ? !state.TryConsume(challenge.Id, challenge.ExpiresAt) : state.IsConsumed(challenge.Id))
        {
            return Refuse(PaymentProblemType.InvalidChallenge, "The challenge has already been used.");
        }

        var now = state.TimeProvider.GetUtcNow();
        var number = state.NextPaymentNumber();
        var reference = verification.Reference ?? string.Create(CultureInfo.InvariantCulture, $"{challenge.Method}_{number}");
        var price = offer.Price;
        var payment = new RecordedPayment(
            attempt.Route.Path, challenge.Id, challenge.Method, challenge.Intent, price.Amount, price.Currency, price.Recipient, reference, now, credential.Source, attempt.IdempotencyKey);
        state.RecordPayment(payment);
        attempt.Route.CountExecution();

        var extra = new Dictionary<string, JsonElement>(verification.ReceiptExtra, StringComparer.Ordinal)
        {
            ["challengeId"] = JsonSerializer.SerializeToElement(challenge.Id, TestingJsonContext.Default.String),
        };
        var externalId = challenge.Request.TryGetProperty("externalId", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var receipt = new PaymentReceipt("success", challenge.Method, Rfc3339.Format(now), reference, externalId, extra);
        return CredentialVerification.Accepted(receipt, payment);
    }

    private CredentialVerification Refuse(PaymentProblemType problem, string detail)
    {
        state.CountRejection(problem);
        return CredentialVerification.Refused(problem, detail);
    }
}
