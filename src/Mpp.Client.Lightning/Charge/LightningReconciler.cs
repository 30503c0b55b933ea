using Mpp.Client.Ledger;
using Mpp.Client.Lightning.Nodes;

namespace Mpp.Client.Lightning.Charge;

/// <summary>
/// Looks up Lightning payments whose outcome is unknown (<see cref="PaymentReconciliation"/>) by the payment hash the
/// wallet recorded: succeeded settles the entry, failed releases it (a failed Lightning payment moved no money), in
/// flight or unknown to the node leaves it.
/// </summary>
internal sealed class LightningReconciler : IPaymentReconciler
{
    private readonly LightningChargeMethod _wallet;

    public LightningReconciler(LightningChargeMethod wallet) => _wallet = wallet;

    public string Method => "lightning";

    public async ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.WalletReference is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var payment = await _wallet.Node.LookupAsync(hash, cancellationToken).ConfigureAwait(false);
        return payment?.Status switch
        {
            LightningPaymentStatus.Succeeded => LedgerOutcome.Settled,
            LightningPaymentStatus.Failed => LedgerOutcome.Released,
            _ => null,
        };
    }
}
