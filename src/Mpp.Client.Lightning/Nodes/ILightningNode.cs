namespace Mpp.Client.Lightning.Nodes;

/// <summary>
/// A Lightning node the wallet pays through (LND REST ships; implement it for another node or a hosted wallet). The
/// wallet has decoded and checked the invoice before it calls <see cref="PayAsync"/>.
/// </summary>
/// <remarks>
/// Rules: <see cref="PayAsync"/> must not pay an invoice twice (nodes refuse a payment hash they already paid; report it
/// as <see cref="LightningNodeError.AlreadyPaid"/>); an answer that does not say whether the payment happened is an
/// exception other than <see cref="LightningNodeException"/> with a definitive error, so that the wallet looks the
/// payment up. Never put the preimage or credentials in exception messages.
/// </remarks>
public interface ILightningNode
{
    /// <summary>Pays <paramref name="invoice"/> and waits until the payment succeeds or fails.</summary>
    /// <param name="invoice">The BOLT11 invoice.</param>
    /// <param name="maxFeeSat">The most the routing fee may be, in satoshis.</param>
    /// <param name="cancellationToken">Cancels the wait (the payment itself may go on at the node).</param>
    /// <returns>The payment: succeeded (with its preimage and fee) or in flight.</returns>
    /// <exception cref="LightningNodeException">The node refused or failed the payment; <see cref="LightningNodeException.Error"/> says why.</exception>
    ValueTask<LightningPayment> PayAsync(string invoice, long maxFeeSat, CancellationToken cancellationToken);

    /// <summary>Looks a payment up by its payment hash.</summary>
    /// <param name="paymentHash">The payment hash, lowercase hex.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The payment, or <see langword="null"/> when the node never attempted it.</returns>
    ValueTask<LightningPayment?> LookupAsync(string paymentHash, CancellationToken cancellationToken);
}
