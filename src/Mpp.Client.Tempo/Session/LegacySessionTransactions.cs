using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// v1 (legacy <c>TempoStreamChannel</c> contract) open and top-up transactions, as mppx 0.11.0's legacy client builds
/// them (<c>tempo/legacy/client/ChannelOps.js</c>): two calls, TIP-20 <c>approve(escrow, amount)</c> on the token then the
/// escrow call, expiring nonce, <c>feeToken</c> = the token. A v1 channel id does not depend on the transaction
/// (<see cref="LegacyChannel"/>), so it can be computed before signing.
/// </summary>
internal static class LegacySessionTransactions
{
    /// <summary>approve(escrow, deposit) then open(payee, token, deposit, salt, authorizedSigner).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The deposit is zero, negative or above uint128.</exception>
    public static TempoTransaction BuildOpen(ulong chainId, string escrow, string payee, string token, BigInteger deposit, string salt, string authorizedSigner, SessionTransactionFees fees, bool feePayer)
    {
        if (deposit.Sign <= 0 || deposit.GetBitLength() > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(deposit), "The deposit must be above zero and at most 2^128 - 1.");
        }

        return SessionTransactions.Build(chainId, fees, token, feePayer,
            new TempoCall(token, BigInteger.Zero, LegacyEscrowAbi.EncodeApprove(escrow, deposit)),
            new TempoCall(escrow, BigInteger.Zero, LegacyEscrowAbi.EncodeOpen(payee, token, deposit, salt, authorizedSigner)));
    }

    /// <summary>approve(escrow, amount) then topUp(channelId, amount).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is zero, negative or above uint128.</exception>
    public static TempoTransaction BuildTopUp(ulong chainId, string escrow, string token, string channelId, BigInteger additionalDeposit, SessionTransactionFees fees, bool feePayer)
    {
        if (additionalDeposit.Sign <= 0 || additionalDeposit.GetBitLength() > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(additionalDeposit), "The additional deposit must be above zero and at most 2^128 - 1.");
        }

        return SessionTransactions.Build(chainId, fees, token, feePayer,
            new TempoCall(token, BigInteger.Zero, LegacyEscrowAbi.EncodeApprove(escrow, additionalDeposit)),
            new TempoCall(escrow, BigInteger.Zero, LegacyEscrowAbi.EncodeTopUp(channelId, additionalDeposit)));
    }

    /// <summary>Signs through <paramref name="signer"/> and returns the payload's <c>transaction</c> field: the 0x76
    /// envelope, or the 0x78 fee-payer hand-off form when the server sponsors fees.</summary>
    /// <exception cref="TempoSignerException">The signer failed.</exception>
    public static async ValueTask<string> SignAsync(ITempoSigner signer, TempoTransaction transaction, CancellationToken cancellationToken) =>
        (await SessionTransactions.SignAsync(signer, transaction, cancellationToken).ConfigureAwait(false)).Hex;
}
