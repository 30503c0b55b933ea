using Mpp.Client.Ledger;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// Looks up Tempo payments whose outcome is unknown (<see cref="PaymentReconciliation"/>): the ledger entry's wallet
/// reference is the hash of the exact envelope the wallet signed (pull without fee payer, push). A successful receipt
/// from the wallet's account settles it. With no receipt, the expiring nonce decides: the transaction was valid until
/// at most 25 s after it was signed (before the entry was marked sent), so once that window is well past it can never
/// land and the entry is released. A reverted receipt (the fee was spent, no tokens moved), a sponsored transaction
/// (its final hash is the server's), or an entry too old for a node to still be trusted to hold its receipt are left
/// for a person to resolve.
/// </summary>
internal sealed class TempoReconciler : IPaymentReconciler
{
    /// <summary>Marks the reference of a fee-payer (sponsored) transaction, whose final hash is not known to the wallet.</summary>
    internal const string SponsoredPrefix = "sponsored:";

    /// <summary>The validity window (25 s) plus generous clock skew between this machine and the node.</summary>
    internal static readonly TimeSpan NeverLandsAfter = TimeSpan.FromSeconds(25) + TimeSpan.FromMinutes(2);

    /// <summary>Past this age a missing receipt may be a pruned one: nothing is released.</summary>
    internal static readonly TimeSpan TrustedFor = TimeSpan.FromDays(1);

    private readonly TempoChargeMethod _wallet;
    private readonly TimeProvider _time;

    public TempoReconciler(TempoChargeMethod wallet, TimeProvider time)
    {
        _wallet = wallet;
        _time = time;
    }

    public string Method => "tempo";

    public async ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.WalletReference is not { Length: 66 } reference || !reference.StartsWith("0x", StringComparison.Ordinal)
            || entry.UpdatedAt is not { } sent)
        {
            return null;
        }

        byte[] hash;
        try
        {
            hash = Hex.Decode(reference);
        }
        catch (FormatException)
        {
            return null;
        }

        var anyNodeAnswered = false;
        foreach (var node in _wallet.Nodes)
        {
            TempoTransactionReceipt? receipt;
            try
            {
                receipt = await node.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
            }
            catch (TempoRpcException)
            {
                continue;
            }

            anyNodeAnswered = true;
            if (receipt is not null)
            {
                return receipt.Succeeded && string.Equals(receipt.From, _wallet.Address, StringComparison.OrdinalIgnoreCase)
                    ? LedgerOutcome.Settled
                    : null;
            }
        }

        var age = _time.GetUtcNow() - sent;
        return anyNodeAnswered && age > NeverLandsAfter && age < TrustedFor ? LedgerOutcome.Released : null;
    }
}
