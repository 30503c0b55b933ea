using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing;

/// <content>The calls that read or apply transactions: gas estimates, simulations and raw transactions.</content>
public sealed partial class FakeTempoChain
{
    private string EstimateGas(JsonArray parameters)
    {
        if (parameters.Count < 1 || parameters[0] is not JsonObject request)
        {
            throw new FakeRpcError(-32602, "eth_estimateGas takes a transaction request");
        }

        if ((string?)request["type"] != "0x76" || request["from"] is null
            || request["calls"] is not JsonArray { Count: > 0 } calls)
        {
            throw new FakeRpcError(-32602, "expected a Tempo (0x76) request with from and calls");
        }

        if (request["maxFeePerGas"] is not null || request["to"] is not null || request["data"] is not null)
        {
            throw new FakeRpcError(-32602, "unexpected fields in a Tempo gas estimate");
        }

        if (calls.Any(c => c?["to"] is null || c["data"] is null))
        {
            throw new FakeRpcError(-32602, "a call needs to and data");
        }

        // Calls that reach the escrow are simulated: a call that would revert has no estimate (error 3), as on a node.
        _ = EscrowCall(request);
        return Quantity(GasEstimate);
    }

    /// <summary>A plain TIP-20 <c>balanceOf(owner)</c> read: the balance as one 32-byte word; null for any other request.</summary>
    private string? BalanceOfCall(JsonObject request)
    {
        if (request["type"] is not null || (string?)request["to"] is not { } token || (string?)request["data"] is not { Length: 74 } data
            || !data.StartsWith("0x70a08231", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var balance = BalanceOf(token, "0x" + data[34..]).ToByteArray(isUnsigned: true, isBigEndian: true);
        return "0x" + Convert.ToHexStringLower(balance).PadLeft(64, '0');
    }

    /// <summary>
    /// Simulates a Tempo (0x76) call request the way a payee does before it broadcasts a pull transaction: every call must
    /// be a TIP-20 transfer(WithMemo) on a known token and the sender must hold the total. Nothing changes.
    /// </summary>
    private string Call(JsonArray parameters)
    {
        if (parameters.Count < 1 || parameters[0] is not JsonObject request)
        {
            throw new FakeRpcError(-32602, "eth_call takes a call request");
        }

        if (BalanceOfCall(request) is { } balance)
        {
            return balance;
        }

        if (request["chainId"] is JsonValue requestChainId && (!RpcQuantity.TryParse((string?)requestChainId, out var requestChain) || requestChain != ChainId))
        {
            throw new FakeRpcError(-32000, "invalid chain id");
        }

        if (EscrowCall(request) is { } escrowResult)
        {
            return escrowResult;
        }

        if ((string?)request["type"] != "0x76" || request["from"] is null
            || request["calls"] is not JsonArray { Count: > 0 } calls)
        {
            throw new FakeRpcError(-32602, "the fake only simulates Tempo (0x76) requests with from and calls");
        }

        var sender = Normalize((string?)request["from"] ?? "");
        var transfers = new List<Tip20Transfer>();
        foreach (var c in calls)
        {
            if (c?["to"] is not JsonValue to || c["data"] is not JsonValue data)
            {
                throw new FakeRpcError(-32602, "a call needs to and data");
            }

            var value = BigInteger.Zero;
            if ((string?)c["value"] is { Length: > 2 } valueText && !RpcQuantity.TryParse(valueText, out value))
            {
                throw new FakeRpcError(-32602, "call value is not a quantity");
            }

            byte[] input;
            try
            {
                input = Hex.Decode((string?)data ?? "");
            }
            catch (FormatException)
            {
                throw new FakeRpcError(-32602, "call data is not hex");
            }

            transfers.Add(ReadTransfer(new TempoCall(Normalize((string?)to ?? ""), value, input)));
        }

        lock (_gate)
        {
            CheckBalances(sender, transfers, code: 3, "execution reverted: insufficient balance for transfer");
        }

        return "0x";
    }

    private string SendRawTransaction(JsonArray parameters)
    {
        byte[] raw;
        try
        {
            raw = Hex.Decode(Param(parameters, 0));
        }
        catch (FormatException)
        {
            throw new FakeRpcError(-32602, "the raw transaction is not hex");
        }

        if (raw.Length == 0 || raw[0] != TempoTransaction.TypeByte)
        {
            throw new FakeRpcError(-32000, "transaction type not supported");
        }

        DecodedTempoTransaction decoded;
        try
        {
            decoded = TempoTransactionDecoder.Decode(raw);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            throw new FakeRpcError(-32000, "failed to decode signed transaction");
        }

        var tx = decoded.Transaction;
        if (decoded.Signature is not { } signature)
        {
            throw new FakeRpcError(-32000, "transaction is not signed");
        }

        if (tx.FeePayer && tx.FeePayerSignature is null)
        {
            throw new FakeRpcError(-32000, "fee payer signature missing");
        }

        if (tx.ChainId != ChainId)
        {
            throw new FakeRpcError(-32000, $"invalid chain id: expected {ChainId}, got {tx.ChainId}");
        }

        var sender = Recover(signature, tx.SignatureHash(), "invalid signature");
        string? feePayer = null;
        if (tx.FeePayerSignature is { } coSignature)
        {
            // Both signatures are checked: the sender's over the 0x76 payload (fee token left out, 0x00 marker), the fee
            // payer's over the 0x78 payload that commits to the fee token and the sender.
            feePayer = Recover(coSignature, FeePayerSigning.Hash(tx, sender), "invalid fee payer signature");
            if (tx.FeeToken is not { } feeToken || !IsKnownToken(feeToken))
            {
                throw new FakeRpcError(-32000, "a sponsored transaction needs a known fee token");
            }
        }

        var baseFee = BaseFeePerGas;
        if (tx.MaxFeePerGas < baseFee)
        {
            throw new FakeRpcError(-32000, "max fee per gas less than block base fee");
        }

        if (tx.Gas < 21_000)
        {
            throw new FakeRpcError(-32000, "intrinsic gas too low");
        }

        var touchesEscrow = tx.Calls.Any(c => EscrowPrecompile.IsEscrow(c.To));
        var transfers = touchesEscrow ? [] : tx.Calls.Select(ReadTransfer).ToList();
        var hash = Hex.Encode(Keccak.Hash(raw));
        var now = (ulong)TimeProvider.GetUtcNow().ToUnixTimeSeconds();

        lock (_gate)
        {
            if (_receipts.ContainsKey(hash))
            {
                throw new FakeRpcError(-32000, "already known");
            }

            CheckNonce(tx, sender, now);
            if (tx.ValidAfter is { } after && after > now)
            {
                throw new FakeRpcError(-32000, "transaction not yet valid (validAfter)");
            }

            CheckBalances(sender, transfers, code: -32000, "insufficient balance for transfer");
            if (tx.NonceKey != TempoNonce.ExpiringKey)
            {
                _nonces[(sender, tx.NonceKey)] = tx.Nonce + 1;
            }

            _blockNumber++;
            var (escrowLogs, revertReason) = touchesEscrow && !_revertTransactions ? ExecuteEscrowTransaction(tx, sender, hash) : ([], null);
            var reverted = _revertTransactions || revertReason is not null;
            var logs = escrowLogs;
            if (!_revertTransactions && !touchesEscrow)
            {
                foreach (var t in transfers)
                {
                    _balances[(t.Token, sender)] = _balances.GetValueOrDefault((t.Token, sender)) - t.Amount;
                    _balances[(t.Token, t.To)] = _balances.GetValueOrDefault((t.Token, t.To)) + t.Amount;
                    var from = Tip20Transfer.AddressWord(sender);
                    var to = Tip20Transfer.AddressWord(t.To);
                    logs.Add(Log(hash, logs.Count, t.Token, [TransferTopic, from, to], t.Amount));
                    if (t.MemoHex is { } memo)
                    {
                        logs.Add(Log(hash, logs.Count, t.Token, [TransferWithMemoTopic, from, to, memo], t.Amount));
                    }
                }
            }

            var gasUsed = Quantity(Math.Min(tx.Gas, _gasEstimate));
            _receipts[hash] = new JsonObject
            {
                ["transactionHash"] = hash,
                ["transactionIndex"] = "0x0",
                ["blockNumber"] = Quantity(_blockNumber),
                ["blockHash"] = Hex.Encode(Keccak.Hash(BitConverter.GetBytes(_blockNumber))),
                ["from"] = sender,
                ["feePayer"] = feePayer ?? sender,
                ["to"] = tx.Calls[0].To,
                ["status"] = reverted ? "0x0" : "0x1",
                ["type"] = "0x76",
                ["gasUsed"] = gasUsed,
                ["cumulativeGasUsed"] = gasUsed,
                ["effectiveGasPrice"] = Quantity(BigInteger.Min(tx.MaxFeePerGas, _baseFeePerGas + tx.MaxPriorityFeePerGas)),
                ["logs"] = logs,
            };
            if (revertReason is not null)
            {
                _receipts[hash]!["revertReason"] = revertReason;
            }
        }

        return hash;
    }

    private static string Recover(TempoSignature signature, byte[] hash, string problem)
    {
        try
        {
            return signature.RecoverLowerAddress(hash);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException or NullReferenceException)
        {
            throw new FakeRpcError(-32000, problem);
        }
    }

    /// <summary>Expiring nonce (nonce key 2^256 − 1): nonce 0 and a validBefore within the window; else the lane's next nonce.</summary>
    private void CheckNonce(TempoTransaction tx, string sender, ulong now)
    {
        if (tx.NonceKey != TempoNonce.ExpiringKey)
        {
            var expected = _nonces.GetValueOrDefault((sender, tx.NonceKey));
            if (tx.Nonce != expected)
            {
                throw new FakeRpcError(-32000, tx.Nonce < expected ? "nonce too low" : "nonce too high");
            }

            return;
        }

        if (tx.Nonce != 0)
        {
            throw new FakeRpcError(-32000, "an expiring nonce transaction has nonce 0");
        }

        if (tx.ValidBefore is not { } before)
        {
            throw new FakeRpcError(-32000, "an expiring nonce transaction needs validBefore");
        }

        if (before <= now)
        {
            throw new FakeRpcError(-32000, "transaction expired (validBefore is in the past)");
        }

        if (before > now + (ulong)MaxExpiringWindow.TotalSeconds)
        {
            throw new FakeRpcError(-32000, "validBefore is too far in the future for an expiring nonce");
        }
    }

    private void CheckBalances(string sender, List<Tip20Transfer> transfers, int code, string problem)
    {
        foreach (var group in transfers.GroupBy(t => t.Token))
        {
            var total = group.Aggregate(BigInteger.Zero, (sum, t) => sum + t.Amount);
            if (_balances.GetValueOrDefault((group.Key, sender)) < total)
            {
                throw new FakeRpcError(code, problem);
            }
        }
    }

    private bool IsKnownToken(string token)
    {
        lock (_gate)
        {
            return _tokens.Contains(EvmAddress.Normalize(token));
        }
    }

    private Tip20Transfer ReadTransfer(TempoCall call)
    {
        if (call.To is null || !IsKnownToken(call.To))
        {
            throw new FakeRpcError(-32000, "call target is not a known TIP-20 token");
        }

        return Tip20Transfer.TryRead(call, out var transfer, out var problem)
            ? transfer!
            : throw new FakeRpcError(-32000, problem!);
    }

    private JsonObject Log(string hash, int index, string token, string[] topics, BigInteger amount) => new()
    {
        ["address"] = token,
        ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode?)t)]),
        ["data"] = Hex.Encode(Tip20Transfer.Word(amount)),
        ["logIndex"] = Quantity(index),
        ["transactionHash"] = hash,
        ["transactionIndex"] = "0x0",
        ["blockNumber"] = Quantity(_blockNumber),
        ["removed"] = false,
    };
}
