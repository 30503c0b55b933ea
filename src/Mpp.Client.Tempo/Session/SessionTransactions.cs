using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
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
    public static TempoTransaction BuildOpen(ulong chainId, string escrow, EscrowOpenCall open, SessionTransactionFees fees, string? feeToken, bool feePayer)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (open.Deposit.Sign <= 0 || open.Deposit > EscrowAbi.MaxUint96)
        {
            throw new ArgumentOutOfRangeException(nameof(open), "The deposit must be above zero and at most 2^96 - 1.");
        }

        return Build(chainId, fees, feeToken ?? open.Token, feePayer, OpenCall(escrow, open));
    }

    /// <summary>The call <c>escrow.open(…)</c> (also what a gas estimate is asked for).</summary>
    public static TempoCall OpenCall(string escrow, EscrowOpenCall open) => new(escrow, BigInteger.Zero, EscrowAbi.EncodeOpen(open));

    /// <summary>The call <c>escrow.topUp(descriptor, additionalDeposit)</c> (also what a gas estimate is asked for).</summary>
    public static TempoCall TopUpCall(string escrow, ChannelDescriptor descriptor, BigInteger additionalDeposit) =>
        new(escrow, BigInteger.Zero, EscrowAbi.EncodeTopUp(new EscrowTopUpCall(descriptor, additionalDeposit)));

    /// <summary>The unsigned top-up transaction: one call <c>escrow.topUp(descriptor, additionalDeposit)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The additional deposit is zero, negative or above uint96.</exception>
    public static TempoTransaction BuildTopUp(ulong chainId, string escrow, ChannelDescriptor descriptor, BigInteger additionalDeposit, SessionTransactionFees fees, string? feeToken, bool feePayer)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (additionalDeposit.Sign <= 0 || additionalDeposit > EscrowAbi.MaxUint96)
        {
            throw new ArgumentOutOfRangeException(nameof(additionalDeposit), "The additional deposit must be above zero and at most 2^96 - 1.");
        }

        return Build(chainId, fees, feeToken ?? descriptor.Token, feePayer, TopUpCall(escrow, descriptor, additionalDeposit));
    }

    /// <summary>keccak256(encodeForSigning(tx) ‖ sender) (mppx <c>Channel.computeExpiringNonceHash</c>; the Tempo node's
    /// consensus preimage), lower-case 0x hex. A sponsored transaction is hashed in its sender form (fee-payer
    /// placeholder, no fee token), so the fee payer's co-signature does not change it.</summary>
    public static string ComputeExpiringNonceHash(TempoTransaction transaction, string sender)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var preimage = transaction.EncodeForSigning();
        var bytes = new byte[preimage.Length + 20];
        preimage.CopyTo(bytes, 0);
        EvmAddress.ToBytes(sender).CopyTo(bytes, preimage.Length);
        return Hex.Encode(Keccak.Hash(bytes));
    }

    /// <summary>Signs an open built by <see cref="BuildOpen"/>, and derives its expiringNonceHash, descriptor (payer =
    /// the signer) and channel id.</summary>
    /// <exception cref="TempoSignerException">The signer failed.</exception>
    /// <exception cref="ArgumentException">The transaction is not a single escrow open call.</exception>
    public static async ValueTask<SignedSessionTransaction> SignOpenAsync(ITempoSigner signer, TempoTransaction open, string escrow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var call = SingleEscrowCall(open, escrow);
        EscrowOpenCall args;
        try
        {
            args = EscrowAbi.DecodeOpen(call.Input);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The transaction's call is not an escrow open call.", nameof(open), e);
        }

        var (signature, sender, hex) = await SignAsync(signer, open, cancellationToken).ConfigureAwait(false);
        var expiringNonceHash = ComputeExpiringNonceHash(open, sender);
        var descriptor = new ChannelDescriptor(sender, args.Payee, args.Operator, args.Token, args.Salt, args.AuthorizedSigner, expiringNonceHash);
        return new SignedSessionTransaction(open, signature, sender, hex, expiringNonceHash, descriptor, descriptor.ComputeChannelId(escrow, open.ChainId));
    }

    /// <summary>Signs a top-up built by <see cref="BuildTopUp"/>.</summary>
    /// <exception cref="TempoSignerException">The signer failed.</exception>
    /// <exception cref="ArgumentException">The transaction is not a single escrow topUp call.</exception>
    public static async ValueTask<SignedSessionTransaction> SignTopUpAsync(ITempoSigner signer, TempoTransaction topUp, string escrow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var call = SingleEscrowCall(topUp, escrow);
        EscrowTopUpCall args;
        try
        {
            args = EscrowAbi.DecodeTopUp(call.Input);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The transaction's call is not an escrow topUp call.", nameof(topUp), e);
        }

        var (signature, sender, hex) = await SignAsync(signer, topUp, cancellationToken).ConfigureAwait(false);
        return new SignedSessionTransaction(topUp, signature, sender, hex, ComputeExpiringNonceHash(topUp, sender), args.Descriptor,
            args.Descriptor.ComputeChannelId(escrow, topUp.ChainId));
    }

    /// <summary>A fresh random bytes32 salt (lower-case hex), from a cryptographic RNG.</summary>
    public static string NewSalt() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A random validAfter in [0, now − 60 s), as viem picks it (0 when now is under a minute).</summary>
    public static ulong RandomValidAfter(DateTimeOffset now)
    {
        var latest = now.ToUnixTimeSeconds() - 60;
        if (latest <= 0)
        {
            return 0;
        }

        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return BinaryPrimitives.ReadUInt64BigEndian(random) % (ulong)latest;
    }

    /// <summary>A session transaction with <paramref name="calls"/>: expiring nonce, the fees given, checked (v1's
    /// approve-then-call pairs are built here too).</summary>
    internal static TempoTransaction Build(ulong chainId, SessionTransactionFees fees, string feeToken, bool feePayer, params TempoCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(fees);
        var transaction = new TempoTransaction
        {
            ChainId = chainId,
            MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
            MaxFeePerGas = fees.MaxFeePerGas,
            Gas = fees.Gas,
            Calls = calls,
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = fees.ValidBefore,
            ValidAfter = fees.ValidAfter,
            FeeToken = feeToken,
            FeePayer = feePayer,
        };
        transaction.Validate();
        return transaction;
    }

    private static TempoCall SingleEscrowCall(TempoTransaction transaction, string escrow)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Calls.Count != 1 || transaction.Calls[0].To != EvmAddress.Normalize(escrow))
        {
            throw new ArgumentException("A session transaction is one call to the escrow.", nameof(transaction));
        }

        return transaction.Calls[0];
    }

    /// <summary>Signs <paramref name="transaction"/>: the signature, the sender, and the payload's <c>transaction</c>
    /// field (the 0x76 envelope, or the 0x78 fee-payer hand-off form when the server sponsors fees).</summary>
    internal static async ValueTask<(TempoSignature Signature, string Sender, string Hex)> SignAsync(ITempoSigner signer, TempoTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(transaction);
        transaction.Validate();
        var signature = await TempoSigning.SignAsync(signer, transaction.SignatureHash(), cancellationToken).ConfigureAwait(false);
        var sender = EvmAddress.Normalize(signer.Address);
        var hex = transaction.FeePayer
            ? Hex.Encode(transaction.EncodeFeePayerHandoff(signature, sender))
            : Hex.Encode(transaction.Encode(signature));
        return (signature, sender, hex);
    }
}
