using Mpp.Client.Protocol;

namespace Mpp.Client.Methods;

/// <summary>
/// A wallet for one payment method (<c>tempo</c>, <c>stripe</c>, <c>lightning</c>, ...): it says which intents it pays,
/// reads what a challenge asks for, and creates the credential payload.
/// </summary>
/// <remarks>Register implementations in DI (<c>services.AddMpp(...).AddPaymentMethod&lt;T&gt;()</c>); the core never depends on a rail.</remarks>
public interface IPaymentMethod
{
    /// <summary>The method identifier this wallet pays, lowercase (e.g. <c>tempo</c>).</summary>
    string Method { get; }

    /// <summary>The intents this wallet pays, e.g. <c>charge</c>.</summary>
    IReadOnlyCollection<string> Intents { get; }

    /// <summary>
    /// Reads the terms of a challenge (amount, currency, recipient) so that policy can check them before anything is signed.
    /// The default reads the shared <c>charge</c> request fields.
    /// </summary>
    /// <exception cref="MppException">The request does not carry usable terms.</exception>
    PaymentTerms ReadTerms(Challenge challenge) => PaymentTerms.FromChargeRequest(challenge);

    /// <summary>Creates the credential payload for an approved, reserved quote.</summary>
    /// <param name="quote">What is being paid: the challenge, the terms, the origin.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    ValueTask<PaymentPayload> CreatePayloadAsync(PaymentQuote quote, CancellationToken cancellationToken);
}
