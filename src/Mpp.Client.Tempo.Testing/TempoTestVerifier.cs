using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Proofs;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing;

/// <summary>
/// The payee side of <c>tempo/charge</c> for an <see cref="MppTestServer"/>, settling on a <see cref="FakeTempoChain"/>
/// as draft-tempo-charge-01 says a server verifies credentials.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>Pull</b> (<c>type: "transaction"</c>, § "Transaction Verification"): the transaction is decoded,
/// its chain id must be the challenge's, its validBefore no later than the challenge's expiry, and its calls must be
/// exactly the TIP-20 <c>transfer</c>/<c>transferWithMemo</c> calls on <c>currency</c> the challenge implies (primary
/// recipient gets <c>amount</c> minus the splits, each split its amount, memos where named; order not significant);
/// <c>supportedModes</c>, when present, must include
/// <c>pull</c>. It is then broadcast to the chain, whose receipt must show success and the same transfers.</description></item>
/// <item><description><b>Fee payer</b> (<c>feePayer: true</c>, § "Server-Paid Fees"): the client's transaction is the
/// 0x78 hand-off or a 0x76 envelope with the 0x00 marker, on the expiring nonce, within
/// <see cref="TempoTestVerifierOptions.MaxSponsoredGas"/> and <see cref="TempoTestVerifierOptions.MaxSponsoredFeePerGas"/>;
/// the verifier adds <see cref="TempoTestVerifierOptions.FeeToken"/>, co-signs keccak256(0x78 ‖ rlp(fields with the fee
/// token and the sender in the fee-payer slot)) with its key (<see cref="FeePayerAddress"/>) and broadcasts the
/// envelope carrying both signatures.</description></item>
/// <item><description><b>Push</b> (<c>type: "hash"</c>, § "Hash Verification"): refused when <c>feePayer</c> is true or
/// <c>supportedModes</c> excludes <c>push</c>; otherwise the receipt must show success and <c>Transfer</c> /
/// <c>TransferWithMemo</c> logs of <c>currency</c> satisfying amount, recipient, splits and memos.</description></item>
/// <item><description><b>Proof</b> (amount <c>"0"</c>, draft-tempo-charge-00 § "Proof Verification"): <c>source</c> must be
/// <c>did:pkh:eip155:&lt;chainId&gt;:&lt;address&gt;</c> on the challenge's chain, and the EIP-712 signature (domain
/// <c>{name "MPP", version "3", chainId}</c>, <c>Proof(address account, string challengeId, string realm)</c>, as mppx
/// 0.11.0 verifies it) must recover to that address. The receipt reference is the challenge id.</description></item>
/// <item><description><b>Replay</b>: a transaction (by its sender-signed digest, whatever form it came in) or a transaction
/// hash accepted once is refused the second time, across modes.</description></item>
/// </list>
/// Every refusal is a <see cref="PaymentVerificationResult.Failure"/> with a detail saying which rule failed
/// (<c>invalid-payload</c> for a payload that cannot be read, <c>verification-failed</c> otherwise); no exception
/// escapes but cancellation. When <see cref="TempoTestVerifierOptions.RequireAttributionMemo"/> is on (the default), one
/// of the transfers the challenge names no memo for must carry mppx's attribution memo for the challenge. The fee token
/// of a client-paid transaction is left to the node (mppx 0.11.0's client names none).
/// </remarks>
public sealed partial class TempoTestVerifier : ITestPaymentVerifier
{
    private readonly FakeTempoChain _chain;
    private readonly ulong _maxSponsoredGas;
    private readonly BigInteger _maxSponsoredFeePerGas;
    private readonly bool _requireAttributionMemo;
    private readonly TempoPrivateKey _feePayerKey;
    private readonly string _feeToken;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _usedDigests = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedHashes = new(StringComparer.Ordinal);
    private readonly List<TempoTestSettlement> _settlements = [];
    private readonly TempoPrivateKey _payeeKey;
    private readonly BigInteger? _suggestedDeposit;
    private int _verifications;

    /// <summary>Creates a verifier that broadcasts to and reads receipts from <paramref name="chain"/>.</summary>
    /// <param name="chain">The fake chain; the verifier settles only challenges for its <see cref="FakeTempoChain.ChainId"/>.</param>
    /// <param name="options">Settings, or null for the defaults; they are read once, here.</param>
    /// <exception cref="FormatException">The fee-payer key or the fee token is malformed.</exception>
    public TempoTestVerifier(FakeTempoChain chain, TempoTestVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        _chain = chain;
        options ??= new TempoTestVerifierOptions();
        _feePayerKey = TempoPrivateKey.FromHex(options.FeePayerPrivateKey ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        _feeToken = EvmAddress.Normalize(options.FeeToken);
        _maxSponsoredGas = options.MaxSponsoredGas;
        _maxSponsoredFeePerGas = options.MaxSponsoredFeePerGas;
        _requireAttributionMemo = options.RequireAttributionMemo;
        _payeeKey = TempoPrivateKey.FromHex(options.SessionPayeePrivateKey ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        _suggestedDeposit = options.SessionSuggestedDeposit;
    }

    /// <summary>The method it serves: <c>tempo</c>.</summary>
    public string Method => "tempo";

    /// <summary>The address of the key the verifier co-signs sponsored transactions with (EIP-55).</summary>
    public string FeePayerAddress => _feePayerKey.Address;

    /// <summary>How many credentials the verifier was asked to judge, accepted or not.</summary>
    public int Verifications => Volatile.Read(ref _verifications);

    /// <summary>A copy of the credentials accepted so far, in order.</summary>
    public IReadOnlyList<TempoTestSettlement> Settlements
    {
        get
        {
            lock (_gate)
            {
                return [.. _settlements];
            }
        }
    }

    /// <summary>Writes the price's request as is (<see cref="ChallengeRequestContext.Request"/>).</summary>
    /// <param name="context">The challenge being written.</param>
    /// <param name="cancellationToken">Not used.</param>
    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.Price.Intent == "session" ? SessionRequest(context.Request) : context.Request);
    }

    /// <summary>Judges a tempo/charge credential; see the type's remarks for the rules.</summary>
    /// <param name="credential">The credential with its echoed challenge.</param>
    /// <param name="context">The route and price.</param>
    /// <param name="cancellationToken">Cancels the chain calls.</param>
    public async ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Interlocked.Increment(ref _verifications);
        if (credential.Challenge.Intent == "session")
        {
            try
            {
                return await VerifySessionAsync(credential, context.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (TempoRpcErrorException e)
            {
                return Fail($"the chain refused the transaction: {e.RpcMessage}");
            }
            catch (Exception e) when (IsMalformed(e) || e is MppException)
            {
                return Malformed("the payload cannot be read as a tempo session credential");
            }
        }

        ChargeTerms terms;
        try
        {
            terms = ChargeTerms.Read(credential.Challenge.Request);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return Fail("the challenge's request is not a valid tempo charge request");
        }

        if (terms.ChainId != _chain.ChainId)
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"the challenge is for chain {terms.ChainId}, this verifier settles on chain {_chain.ChainId}"));
        }

        string? type;
        try
        {
            type = credential.Payload.GetProperty("type").GetString();
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return Malformed("the payload has no type");
        }

        try
        {
            return (type, terms.Amount.IsZero) switch
            {
                ("proof", true) => VerifyProof(credential, terms),
                ("proof", false) => Fail("a proof pays only a zero amount"),
                ("transaction" or "hash", true) => Fail("a zero amount is paid with a proof"),
                ("transaction", false) => await VerifyTransactionAsync(credential, terms, cancellationToken).ConfigureAwait(false),
                ("hash", false) => await VerifyHashAsync(credential, terms, cancellationToken).ConfigureAwait(false),
                _ => Malformed("unknown payload type"),
            };
        }
        catch (TempoRpcErrorException e)
        {
            return Fail($"the chain refused the transaction: {e.RpcMessage}");
        }
        catch (TempoRpcException)
        {
            return Fail("the chain could not be reached or answered nonsense");
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return Malformed("the payload cannot be read as a tempo credential");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"TempoTestVerifier {{ Chain = {_chain.ChainId}, FeePayer = {FeePayerAddress} }}";

    private PaymentVerificationResult VerifyProof(Credential credential, ChargeTerms terms)
    {
        var signature = TempoSignature.FromRsv(Hex.Decode(credential.Payload.GetProperty("signature").GetString() ?? ""));
        if (credential.Source is not { ValueKind: JsonValueKind.String } source || !TryParseDid(source.GetString()!, out var chainId, out var account))
        {
            return Fail("a proof needs source = did:pkh:eip155:<chainId>:<address>");
        }

        if (chainId != terms.ChainId)
        {
            return Fail("the proof's source names another chain");
        }

        var hash = TempoProof.Hash(TempoProofVersion.V3, terms.ChainId, credential.Challenge.Id, credential.Challenge.Realm, account);
        if (!TryRecover(signature, hash, out var signer) || signer != account)
        {
            return Fail("the proof is not signed by the source account");
        }

        Record(new TempoTestSettlement { PayloadType = "proof", Payer = account, Submitted = Hex.Encode(signature.ToRsv()) });
        return PaymentVerificationResult.Success(credential.Challenge.Id);
    }

    private async Task<PaymentVerificationResult> VerifyHashAsync(Credential credential, ChargeTerms terms, CancellationToken cancellationToken)
    {
        if (terms.FeePayer)
        {
            return Fail("a hash credential is not accepted when the server pays the fees (feePayer: true)");
        }

        if (!terms.Allows("push"))
        {
            return Fail("push (a hash credential) is not in the challenge's supportedModes");
        }

        var hash = Hex.Decode(credential.Payload.GetProperty("hash").GetString() ?? "");
        if (hash.Length != 32)
        {
            return Malformed("a transaction hash is 32 bytes");
        }

        var hashHex = Hex.Encode(hash);
        if (!Reserve(_usedHashes, hashHex))
        {
            return Fail("this transaction hash was already used to pay");
        }

        var receipt = await _chain.Rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        if (receipt is null)
        {
            Release(_usedHashes, hashHex);
            return Fail("the chain has no receipt for the transaction hash");
        }

        if (CheckReceipt(receipt, credential.Challenge, terms) is { } failure)
        {
            return failure;
        }

        Record(new TempoTestSettlement { PayloadType = "hash", Payer = receipt.From, Submitted = hashHex, TransactionHash = hashHex });
        return PaymentVerificationResult.Success(hashHex);
    }

    /// <summary>Success and the transfers the challenge asks for in the receipt's logs (extra logs are allowed).</summary>
    private PaymentVerificationResult? CheckReceipt(TempoTransactionReceipt receipt, Challenge challenge, ChargeTerms terms)
    {
        if (!receipt.Succeeded)
        {
            return Fail("the transaction reverted (receipt status 0x0)");
        }

        var attribution = new AttributionCheck(challenge.Id, challenge.Realm);
        var match = ExpectedTransfer.Match(Expected(terms), TransferLogs.Read(receipt.Logs, terms.Currency), attribution.IsBound);
        if (match.Missing.Count > 0)
        {
            return Fail($"the receipt's transfer logs do not pay {Describe(match.Missing[0])}");
        }

        return _requireAttributionMemo && !attribution.Holds(match) ? Fail(NotBound) : null;
    }

    /// <summary>The transfers a challenge implies (draft-tempo-charge-01 § "Split Payments").</summary>
    private static List<ExpectedTransfer> Expected(ChargeTerms terms)
    {
        var expected = new List<ExpectedTransfer>(terms.Splits.Count + 1);
        var splits = BigInteger.Zero;
        foreach (var (recipient, amount, memo) in terms.Splits)
        {
            splits += amount;
            expected.Add(new ExpectedTransfer(recipient, amount, memo));
        }

        expected.Add(new ExpectedTransfer(terms.Recipient, terms.Amount - splits, terms.Memo));
        return expected;
    }

    private const string NotBound = "no transfer carries the attribution memo bound to this challenge (mppx 0.11.0 requires one)";

    private static string Describe(ExpectedTransfer e) =>
        string.Create(CultureInfo.InvariantCulture, $"{e.Amount} to {e.To}{(e.Memo is null ? "" : " with memo " + Hex.Encode(e.Memo))}");

    private static bool TryParseDid(string did, out ulong chainId, out string address)
    {
        chainId = 0;
        address = "";
        const string prefix = "did:pkh:eip155:";
        if (!did.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = did[prefix.Length..].Split(':');
        if (parts.Length != 2 || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out chainId))
        {
            return false;
        }

        try
        {
            address = EvmAddress.Normalize(parts[1]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private bool Reserve(HashSet<string> used, string key)
    {
        lock (_gate)
        {
            return used.Add(key);
        }
    }

    private void Release(HashSet<string> used, string key)
    {
        lock (_gate)
        {
            used.Remove(key);
        }
    }

    private void Record(TempoTestSettlement settlement)
    {
        lock (_gate)
        {
            _settlements.Add(settlement);
        }
    }

    private static bool IsMalformed(Exception e) =>
        e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException
            or OverflowException or ArithmeticException;

    private static PaymentVerificationResult Fail(string detail) => PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, detail);

    private static PaymentVerificationResult Malformed(string detail) => PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, detail);
}
