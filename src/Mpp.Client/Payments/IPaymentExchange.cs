using Mpp.Client.Protocol;

namespace Mpp.Client.Payments;

/// <summary>
/// The transport side of a payment: sends the credential with the request again (HTTP header, MCP <c>_meta</c>, ...) and
/// says what the payee answered. <see cref="PaymentCoordinator"/> does everything else: selection, policy, ledger, wallet.
/// </summary>
/// <remarks>Implementations never throw for a transport failure: they answer <see cref="PaymentExchangeResult.Unknown"/>.</remarks>
public interface IPaymentExchange
{
    /// <summary>
    /// Readies the request to be sent again with a credential (e.g. buffers its body), before anything is reserved, and
    /// returns the body that will be sent, for challenges bound to it by <c>digest</c>; null when the transport has no
    /// body (a challenge with a digest is then refused). May throw an <see cref="MppException"/> (nothing is reserved yet).
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>?> PrepareAsync(CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

    /// <summary>Sends the request with <paramref name="credential"/> (a bearer secret: never log it) and classifies the answer.</summary>
    ValueTask<PaymentExchangeResult> SendAsync(Credential credential, CancellationToken cancellationToken);
}
