using System.Globalization;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing;

/// <content>Pull mode: a signed transaction the verifier checks, co-signs when it pays the fees, and broadcasts.</content>
public sealed partial class TempoTestVerifier
{
    private async Task<PaymentVerificationResult> VerifyTransactionAsync(Credential credential, ChargeTerms terms, CancellationToken cancellationToken)
    {
        if (!terms.Allows("pull"))
        {
            return Fail("pull (a transaction credential) is not in the challenge's supportedModes");
        }

        var submitted = credential.Payload.GetProperty("signature").GetString() ?? "";
        var raw = Hex.Decode(submitted);
        var decoded = TempoTransactionDecoder.Decode(raw);
        var tx = decoded.Transaction;
        if (tx.ChainId != terms.ChainId)
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"the transaction is for chain {tx.ChainId}, the challenge for chain {terms.ChainId}"));
        }

        if (credential.Challenge.ExpiresAt is { } expires && tx.ValidBefore is { } validBefore
            && validBefore > (ulong)Math.Max(0, expires.ToUnixTimeSeconds()))
        {
            return Fail("the transaction stays valid after the challenge expires (validBefore)");
        }

        if (CheckCalls(tx, credential.Challenge, terms) is { } callFailure)
        {
            return callFailure;
        }

        if (decoded.Signature is not { } signature)
        {
            return Fail("the transaction is not signed");
        }

        var digest = tx.SignatureHash();
        if (!TryRecover(signature, digest, out var sender))
        {
            return Fail("the sender signature does not recover");
        }

        byte[] envelope;
        string? sponsor = null;
        if (terms.FeePayer)
        {
            if (CheckSponsorable(raw[0], decoded, sender) is { } sponsorFailure)
            {
                return sponsorFailure;
            }

            // The fee payer commits to the fee token and the sender: keccak256(0x78 ‖ rlp(fields, feeToken, sender)).
            var withToken = FeePayerSigning.WithFeePayer(tx, feePayer: false, _feeToken, signature: null);
            var coSignature = _feePayerKey.SignHash(FeePayerSigning.Hash(withToken, sender));
            envelope = FeePayerSigning.WithFeePayer(tx, feePayer: false, _feeToken, coSignature).Encode(signature);
            sponsor = EvmAddress.Normalize(FeePayerAddress);
        }
        else
        {
            if (raw[0] != TempoTransaction.TypeByte || tx.FeePayer || tx.FeePayerSignature is not null)
            {
                return Fail("without feePayer the client pays its fees: expected a 0x76 transaction with an empty fee-payer slot");
            }

            envelope = raw;
        }

        // One digest per sender-signed transaction, whatever form (0x76, 0x78 hand-off) it arrives in.
        var replayKey = Hex.Encode(digest) + sender;
        if (!Reserve(_usedDigests, replayKey))
        {
            return Fail("this transaction was already used to pay");
        }

        byte[] hash;
        try
        {
            hash = await _chain.Rpc.SendRawTransactionAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(_usedDigests, replayKey);
            throw;
        }

        var hashHex = Hex.Encode(hash);
        Reserve(_usedHashes, hashHex);
        var receipt = await _chain.Rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        if (receipt is null)
        {
            return Fail("the chain accepted the transaction but has no receipt for it");
        }

        if (CheckReceipt(receipt, credential.Challenge, terms) is { } receiptFailure)
        {
            return receiptFailure;
        }

        Record(new TempoTestSettlement { PayloadType = "transaction", Payer = sender, Submitted = submitted, TransactionHash = hashHex, SponsoredBy = sponsor });
        return PaymentVerificationResult.Success(hashHex);
    }

    /// <summary>Every call is a TIP-20 transfer on the currency, and together they are exactly the transfers the challenge implies.</summary>
    private PaymentVerificationResult? CheckCalls(TempoTransaction tx, Challenge challenge, ChargeTerms terms)
    {
        var transfers = new List<Tip20Transfer>(tx.Calls.Count);
        foreach (var call in tx.Calls)
        {
            if (call.To is null || EvmAddress.Normalize(call.To) != terms.Currency)
            {
                return Fail("a call is not on the challenge's currency token");
            }

            if (!Tip20Transfer.TryRead(call, out var transfer, out var problem))
            {
                return Fail(problem!);
            }

            transfers.Add(transfer!);
        }

        var attribution = new AttributionCheck(challenge.Id, challenge.Realm);
        var match = ExpectedTransfer.Match(Expected(terms), transfers, attribution.IsBound);
        if (match.Missing.Count > 0)
        {
            return Fail($"the transaction does not pay {Describe(match.Missing[0])}");
        }

        if (match.Extra.Count > 0)
        {
            return Fail("the transaction makes transfers the challenge does not ask for");
        }

        return _requireAttributionMemo && !attribution.Holds(match) ? Fail(NotBound) : null;
    }

    /// <summary>
    /// What a fee payer accepts to co-sign: the 0x78 hand-off naming its signer, or a 0x76 envelope with the 0x00 marker;
    /// on the expiring nonce (it cannot be held back and replayed later) and within the gas and fee caps.
    /// </summary>
    private PaymentVerificationResult? CheckSponsorable(byte type, DecodedTempoTransaction decoded, string sender)
    {
        var tx = decoded.Transaction;
        var handoff = type == TempoTransaction.FeePayerMagic && decoded.HandoffSender is { } named && EvmAddress.Normalize(named) == sender;
        var marker = type == TempoTransaction.TypeByte && tx.FeePayer && tx.FeePayerSignature is null;
        if (!handoff && !marker)
        {
            return Fail("with feePayer the transaction must leave the fee-payer slot to the server: a 0x78 hand-off by its signer or the 0x00 marker");
        }

        if (tx.NonceKey != TempoNonce.ExpiringKey || tx.Nonce != 0)
        {
            return Fail("a sponsored transaction must use the expiring nonce");
        }

        if (tx.Gas > _maxSponsoredGas)
        {
            return Fail("the sponsored transaction's gas limit is above the fee payer's cap");
        }

        return tx.MaxFeePerGas > _maxSponsoredFeePerGas
            ? Fail("the sponsored transaction's fee cap is above the fee payer's cap")
            : null;
    }

    private static bool TryRecover(TempoSignature signature, byte[] hash, out string address)
    {
        try
        {
            address = signature.RecoverLowerAddress(hash);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException or NullReferenceException)
        {
            address = "";
            return false;
        }
    }
}
