using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>
/// Receives payment events (register any number in DI). Every method has an empty default, so implement only what you need.
/// An observer that throws does not stop the payment; the error is logged.
/// </summary>
public interface IPaymentObserver
{
    /// <summary>A 402 arrived with these challenges (parsed ones only), before any selection.</summary>
    ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken) => default;

    /// <summary>A credential was created for the quote and is about to be sent.</summary>
    ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken) => default;

    /// <summary>The server accepted the payment.</summary>
    ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken) => default;

    /// <summary>A payment was refused, rejected or ended with an unknown outcome.</summary>
    ValueTask OnPaymentFailedAsync(PaymentOutcome outcome, CancellationToken cancellationToken) => default;
}
