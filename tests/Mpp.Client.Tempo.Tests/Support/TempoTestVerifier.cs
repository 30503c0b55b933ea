using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>
/// The server side of tempo/charge for <see cref="MppTestServer"/>, after draft-tempo-charge-01 § "Transaction
/// Verification": decode the credential's transaction with our decoder, check chain id, token, recipients, amounts and
/// memos (order not significant), recover the sender; then submit a client-paid transaction to the fake chain and
/// require a successful receipt. A fee-payer hand-off (0x78) is checked and accepted without broadcast (the fake chain
/// does not sponsor fees).
/// </summary>
internal sealed class TempoTestVerifier(TempoRpcClient rpc) : ITestPaymentVerifier
{
    private int _verifications;

    public string Method => "tempo";

    public int Verifications => Volatile.Read(ref _verifications);

    public List<string> Handoffs { get; } = [];

    public List<string> Senders { get; } = [];

    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken) => new(context.Request);

    public async ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _verifications);
        var challenge = credential.Challenge;
        var request = challenge.Request;
        var details = request.GetProperty("methodDetails");
        var chainId = details.GetProperty("chainId").GetUInt64();
        var type = credential.Payload.GetProperty("type").GetString();
        var signatureHex = credential.Payload.GetProperty("signature").GetString()!;
        if (type == "proof")
        {
            return request.GetProperty("amount").GetString() == "0"
                ? PaymentVerificationResult.Success()
                : Fail("a proof pays only a zero amount");
        }

        if (type != "transaction")
        {
            return Fail("unknown payload type");
        }

        var raw = Hex.Decode(signatureHex);
        var decoded = TempoTransactionDecoder.Decode(raw);
        var tx = decoded.Transaction;
        if (tx.ChainId != chainId)
        {
            return Fail("chain id");
        }

        var currency = EvmAddress.Normalize(request.GetProperty("currency").GetString()!);
        var memo = details.TryGetProperty("memo", out var m) ? Hex.Decode(m.GetString()!) : AttributionMemo.Encode(challenge.Id, challenge.Realm, null);
        var expected = new List<(string To, BigInteger Amount, string Memo)>();
        var total = BigInteger.Parse(request.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var splitsTotal = BigInteger.Zero;
        if (details.TryGetProperty("splits", out var splits))
        {
            foreach (var s in splits.EnumerateArray())
            {
                var amount = BigInteger.Parse(s.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                splitsTotal += amount;
                var splitMemo = s.TryGetProperty("memo", out var sm) ? sm.GetString()! : Hex.Encode(AttributionMemo.Encode(challenge.Id, challenge.Realm, null));
                expected.Add((EvmAddress.Normalize(s.GetProperty("recipient").GetString()!), amount, splitMemo));
            }
        }

        expected.Add((EvmAddress.Normalize(request.GetProperty("recipient").GetString()!), total - splitsTotal, Hex.Encode(memo)));
        var actual = new List<(string To, BigInteger Amount, string Memo)>();
        foreach (var call in tx.Calls)
        {
            var data = call.Input;
            if (call.To != currency || data.Length != 100 || Hex.Encode(data[..4]) != "0x95777d59")
            {
                return Fail("not a transferWithMemo on the currency");
            }

            actual.Add((Hex.Encode(data[16..36]), new BigInteger(data[36..68], isUnsigned: true, isBigEndian: true), Hex.Encode(data[68..100])));
        }

        if (!expected.OrderBy(e => e.To, StringComparer.Ordinal).ThenBy(e => e.Amount).SequenceEqual(actual.OrderBy(e => e.To, StringComparer.Ordinal).ThenBy(e => e.Amount)))
        {
            return Fail("transfers do not match the request");
        }

        var sender = EvmAddress.Normalize(decoded.Signature!.RecoverAddress(tx.SignatureHash()));
        lock (Senders)
        {
            Senders.Add(sender);
        }

        var feePayer = details.TryGetProperty("feePayer", out var fp) && fp.ValueKind == JsonValueKind.True;
        if (feePayer)
        {
            if (raw[0] != TempoTransaction.FeePayerMagic || !tx.FeePayer || decoded.HandoffSender is null
                || EvmAddress.Normalize(decoded.HandoffSender) != sender)
            {
                return Fail("expected a fee-payer hand-off signed by its sender");
            }

            lock (Handoffs)
            {
                Handoffs.Add(signatureHex);
            }

            return PaymentVerificationResult.Success();
        }

        if (raw[0] != TempoTransaction.TypeByte || tx.FeeToken != currency)
        {
            return Fail("a client-paid transaction must be 0x76 with the currency as fee token");
        }

        var hash = await rpc.SendRawTransactionAsync(raw, cancellationToken);
        var receipt = await rpc.GetTransactionReceiptAsync(hash, cancellationToken);
        return receipt is { Succeeded: true } ? PaymentVerificationResult.Success(Hex.Encode(hash)) : Fail("reverted");
    }

    private static PaymentVerificationResult Fail(string detail) => PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, detail);
}
