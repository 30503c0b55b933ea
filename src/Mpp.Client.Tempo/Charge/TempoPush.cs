using Mpp.Client.Methods;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// Push mode's broadcast (draft-tempo-charge-01 § "Hash Settlement"): the attempt is marked as moving funds (so the
/// ledger keeps the amount counted whatever happens next), the signed envelope is sent with
/// <c>eth_sendRawTransactionSync</c> (as mppx 0.11.0 does through viem's <c>sendTransactionSync</c>), and the receipt
/// must show success. When the node's answer is lost, the receipt is looked up once by hash: the transaction hash is
/// fixed by the signature, so the lookup (or a later reconciliation) tells whether it landed.
/// </summary>
internal static class TempoPush
{
    public static async Task<TempoTransactionReceipt> BroadcastAsync(TempoRpcClient rpc, PaymentAttempt attempt, byte[] envelope, string hash, TimeSpan receiptTimeout, CancellationToken cancellationToken)
    {
        await attempt.MarkFundsMovingAsync(hash, cancellationToken).ConfigureAwait(false);
        TempoTransactionReceipt? receipt;
        try
        {
            receipt = await rpc.SendRawTransactionSyncAsync(envelope, receiptTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TempoRpcException sendError)
        {
            // The node may have accepted it before the error (a timeout waiting for inclusion, a lost answer, "already
            // known" on a retry): ask for the receipt of this exact hash.
            try
            {
                receipt = await rpc.GetTransactionReceiptAsync(Hex.Decode(hash), cancellationToken).ConfigureAwait(false);
            }
            catch (TempoRpcException)
            {
                receipt = null;
            }

            if (receipt is null)
            {
                throw TempoChargeMethod.Refused(
                    $"The Tempo node did not confirm the broadcast payment ({sendError.GetType().Name}); it may still land before its validity window closes.",
                    sendError,
                    fundsMayHaveMoved: true);
            }
        }

        if (!string.Equals(receipt.TransactionHash, hash, StringComparison.OrdinalIgnoreCase))
        {
            throw TempoChargeMethod.Refused("The Tempo node answered with the receipt of another transaction.", fundsMayHaveMoved: true);
        }

        if (!receipt.Succeeded)
        {
            // A reverted transaction moved no tokens but its fee was paid.
            throw TempoChargeMethod.Refused("The broadcast payment reverted on chain; its network fee was spent.", fundsMayHaveMoved: true);
        }

        return receipt;
    }
}
