using Mpp.Client.Ledger;
using Mpp.Client.X402.Exact;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// Looks up x402 payments whose outcome is unknown (<see cref="PaymentReconciliation"/>): the entry's wallet reference
/// names the chain, the authorizer, the nonce, the token and <c>validBefore</c> of the EIP-3009 authorization sent. The
/// token's <c>authorizationState(from, nonce)</c> true settles it (the transfer happened: nothing else of ours marks a
/// nonce used). False once <c>validBefore</c> plus two minutes of clock skew has passed releases it: a
/// <c>transferWithAuthorization</c> needs a block before <c>validBefore</c>, so it can never land. Otherwise, with no RPC
/// endpoint for the chain, or when the node cannot be read, the entry is left as it is.
/// </summary>
internal sealed class X402Reconciler(X402ExactMethod wallet, X402TokenRpc rpc, TimeProvider time) : IPaymentReconciler
{
    /// <summary>Clock skew allowed between this machine and the chain's block timestamps.</summary>
    internal static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    public string Method => X402ExactMethod.MethodId;

    public async ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (X402AuthorizationReference.TryParse(entry.WalletReference) is not { } reference
            || !string.Equals(reference.From, wallet.Address, StringComparison.OrdinalIgnoreCase)
            || !rpc.Covers(reference.ChainId))
        {
            return null;
        }

        bool used;
        try
        {
            used = await rpc.AuthorizationUsedAsync(reference.ChainId, reference.Asset, reference.From, reference.Nonce, cancellationToken).ConfigureAwait(false);
        }
        catch (X402RpcException)
        {
            return null;
        }

        if (used)
        {
            return LedgerOutcome.Settled;
        }

        var expired = DateTimeOffset.FromUnixTimeSeconds(reference.ValidBefore) + Skew;
        return time.GetUtcNow() > expired ? LedgerOutcome.Released : null;
    }
}
