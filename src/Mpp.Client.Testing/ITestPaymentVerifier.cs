using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>
/// The server side of one payment method of an <see cref="MppTestServer"/>: it writes the <c>request</c> of each challenge
/// for its method and decides whether a credential pays it. Register one with
/// <see cref="MppTestServerOptions.AddVerifier(ITestPaymentVerifier)"/>; the built-in <c>test</c> method is one, registered by
/// default.
/// </summary>
/// <remarks>
/// Both members may be called concurrently and may await, e.g. a fake chain, Stripe or Lightning node on loopback. The
/// server has already checked a credential's challenge (HMAC binding, route, expiry, credential field, body digest,
/// single use) before <see cref="VerifyAsync"/> runs, and consumes the challenge and writes the receipt after it succeeds.
/// An exception thrown by either member is answered as an <c>internal-payment-error</c> problem (500), and nothing is paid
/// (<see cref="MppTestServer.IssueChallengesAsync"/>, which answers no request, lets it propagate).
/// </remarks>
public interface ITestPaymentVerifier
{
    /// <summary>The payment method identifier the verifier serves, e.g. <c>lightning</c>; it handles every intent of it.</summary>
    string Method { get; }

    /// <summary>
    /// Writes the <c>request</c> of one challenge, each time a route offering <see cref="ChallengeRequestContext.Price"/>
    /// answers 402 (so a Lightning verifier can issue a fresh invoice per challenge).
    /// </summary>
    /// <param name="context">The price, the route, the challenge's expiry and the request built from the price.</param>
    /// <param name="cancellationToken">Cancels the request (e.g. the client went away).</param>
    /// <returns>A JSON object: <see cref="ChallengeRequestContext.Request"/> as is, or a request built from it.</returns>
    ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken);

    /// <summary>Decides whether <paramref name="credential"/> pays its challenge.</summary>
    /// <param name="credential">The credential; its <see cref="Credential.Challenge"/> is the echoed, authenticated challenge,
    /// whose request is the one <see cref="CreateRequestAsync"/> wrote for it.</param>
    /// <param name="context">The route, the price the challenge was issued for and the server's clock.</param>
    /// <param name="cancellationToken">Cancels the verification (e.g. the client went away).</param>
    /// <returns><see cref="PaymentVerificationResult.Success"/> or <see cref="PaymentVerificationResult.Failure"/>.</returns>
    ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken);
}
