using Mpp.Client.Payments;
using Mpp.Client.Protocol;

namespace Mpp.Client.Methods;

/// <summary>
/// A wallet for one payment method (<c>tempo</c>, <c>stripe</c>, <c>lightning</c>, ...): it says which intents it pays,
/// reads what a challenge asks for, and creates the credential payload.
/// </summary>
/// <remarks>
/// Register implementations in DI (<c>services.AddMpp(...).AddPaymentMethod&lt;T&gt;()</c>); the core never depends on a
/// rail. Rules: <see cref="Method"/> is a lowercase method id; the payload is a JSON object; honour the cancellation
/// token; throw <see cref="MppException"/> from <see cref="ReadTerms"/> for unusable terms and
/// <see cref="PaymentMethodException"/> for typed, secret-free failures.
/// </remarks>
public interface IPaymentMethod
{
    /// <summary>The method identifier this wallet pays, lowercase (e.g. <c>tempo</c>).</summary>
    string Method { get; }

    /// <summary>The intents this wallet pays, e.g. <c>charge</c>.</summary>
    IReadOnlyCollection<string> Intents { get; }

    /// <summary>
    /// Reads the terms of a challenge (amount, currency, recipients, fee, kind) so that policy can check them before
    /// anything is signed. The default reads the shared <c>charge</c> request fields.
    /// </summary>
    /// <exception cref="MppException">The request does not carry usable terms.</exception>
    PaymentTerms ReadTerms(Challenge challenge) => PaymentTerms.FromChargeRequest(challenge);

    /// <summary>
    /// Reads the terms when that needs I/O (fee data from a chain, a node's view of an invoice). The default calls
    /// <see cref="ReadTerms"/>.
    /// </summary>
    /// <exception cref="MppException">The request does not carry usable terms.</exception>
    ValueTask<PaymentTerms> ReadTermsAsync(Challenge challenge, CancellationToken cancellationToken) => new(ReadTerms(challenge));

    /// <summary>Creates the credential payload for an approved, reserved attempt.</summary>
    /// <param name="attempt">The quote, the reservation, an idempotency key, and the calls to report moving funds and the actual fee.</param>
    /// <param name="cancellationToken">Cancels the creation (the caller's token, the HTTP timeout and <c>CredentialTimeout</c>).</param>
    ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the wallet what the payee answered to the credential of <paramref name="attempt"/> (accepted with its receipt,
    /// rejected, or no definite answer), after the ledger recorded it. A wallet that keeps state across payments (a session's
    /// channel) updates it here. Called once per sent credential, also when the caller cancelled; the default does nothing.
    /// </summary>
    /// <param name="attempt">The attempt whose credential was sent.</param>
    /// <param name="result">The payee's answer.</param>
    /// <param name="cancellationToken">Not the caller's token: the wallet's bookkeeping must finish.</param>
    ValueTask OnAnsweredAsync(PaymentAttempt attempt, PaymentExchangeResult result, CancellationToken cancellationToken) => default;
}
