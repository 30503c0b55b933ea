using System.Numerics;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Builds and signs the v2 session management transactions (mppx 0.11.0 <c>tempo/session/client/ChannelOps.js</c>):
/// a 0x76 transaction with one escrow call, an expiring nonce, and <c>feeToken</c> = the fee token asked for or else the
/// channel token (left out of the signed bytes when the server sponsors fees). For an open, the order is: sign the
/// transaction, derive expiringNonceHash = keccak256(encodeForSigning(tx) ‖ sender) (with the fee-payer placeholder when
/// sponsored), build the descriptor, derive the channel id — then the caller signs the first voucher.
/// </summary>
internal static class SessionTransactions
{
    /// <summary>The unsigned open transaction: one call <c>escrow.open(payee, operator, token, deposit, salt, authorizedSigner)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The deposit is zero, negative or above uint96.</exception>
    public static TempoTransaction BuildOpen(ulong chainId, string escrow, EscrowOpenCall open, SessionTransactionFees fees, string? feeToken, bool feePayer) =>
        throw new NotImplementedException();

    /// <summary>The unsigned top-up transaction: one call <c>escrow.topUp(descriptor, additionalDeposit)</c>.</summary>
    public static TempoTransaction BuildTopUp(ulong chainId, string escrow, ChannelDescriptor descriptor, BigInteger additionalDeposit, SessionTransactionFees fees, string? feeToken, bool feePayer) =>
        throw new NotImplementedException();

    /// <summary>keccak256(encodeForSigning(tx) ‖ sender) (mppx <c>Channel.computeExpiringNonceHash</c>; the Tempo node's
    /// consensus preimage), lower-case 0x hex.</summary>
    public static string ComputeExpiringNonceHash(TempoTransaction transaction, string sender) => throw new NotImplementedException();

    /// <summary>Signs an open built by <see cref="BuildOpen"/>, and derives its expiringNonceHash, descriptor (payer =
    /// the signer) and channel id.</summary>
    /// <exception cref="Keys.TempoSignerException">The signer failed.</exception>
    /// <exception cref="ArgumentException">The transaction is not a single escrow open call.</exception>
    public static ValueTask<SignedSessionTransaction> SignOpenAsync(ITempoSigner signer, TempoTransaction open, string escrow, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Signs a top-up built by <see cref="BuildTopUp"/>.</summary>
    /// <exception cref="Keys.TempoSignerException">The signer failed.</exception>
    /// <exception cref="ArgumentException">The transaction is not a single escrow topUp call.</exception>
    public static ValueTask<SignedSessionTransaction> SignTopUpAsync(ITempoSigner signer, TempoTransaction topUp, string escrow, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>A fresh random bytes32 salt (lower-case hex), from a cryptographic RNG.</summary>
    public static string NewSalt() => throw new NotImplementedException();

    /// <summary>A random validAfter in [0, now − 60 s), as viem picks it (0 when now is under a minute).</summary>
    public static ulong RandomValidAfter(DateTimeOffset now) => throw new NotImplementedException();
}
