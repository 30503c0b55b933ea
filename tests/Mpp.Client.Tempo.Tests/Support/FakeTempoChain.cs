using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>
/// A fake Tempo node: a real Kestrel JSON-RPC 2.0 server on 127.0.0.1 answering the calls a payer makes. It never trusts
/// what it is told: <c>eth_sendRawTransaction</c> decodes the envelope with our decoder, recovers the sender from the
/// signature, checks the chain id, the nonce (expiring: nonce 0, validAfter ≤ now &lt; validBefore ≤ now + 30 s on the
/// fake's clock; otherwise the sender's next nonce on that lane), the fee cap against the base fee, and that every call
/// is a TIP-20 <c>transfer</c> or <c>transferWithMemo</c> (no value) to a known token. It applies the transfers to
/// per-token balances (funded by the test) atomically and stores a receipt whose logs are the events a TIP-20 precompile
/// emits: <c>Transfer</c>, followed for a memo transfer by <c>TransferWithMemo</c> (memo indexed) — viem
/// <c>src/tempo/Abis.ts</c> and the pairing mppx 0.11.0's server expects (<c>getTransferLogEffects</c>).
/// Fees are not charged. Every JSON-RPC call is recorded.
/// </summary>
internal sealed class FakeTempoChain : IAsyncDisposable
{
    public static readonly string TransferTopic = Hex.Encode(Keccak.Hash("Transfer(address,address,uint256)"));

    public static readonly string TransferWithMemoTopic = Hex.Encode(Keccak.Hash("TransferWithMemo(address,address,uint256,bytes32)"));

    /// <summary>The widest expiring-nonce window the fake accepts (validBefore − now).</summary>
    public static readonly TimeSpan MaxExpiringWindow = TimeSpan.FromSeconds(30);

    private static readonly byte[] TransferSelector = [0xa9, 0x05, 0x9c, 0xbb];
    private static readonly byte[] TransferWithMemoSelector = [0x95, 0x77, 0x7d, 0x59];

    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly List<FakeRpcRequest> _requests = [];
    private readonly Dictionary<(string Token, string Address), BigInteger> _balances = [];
    private readonly Dictionary<(string Address, BigInteger Key), ulong> _nonces = [];
    private readonly Dictionary<string, JsonObject> _receipts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private int _httpRequests;
    private ulong _blockNumber = 1000;

    private FakeTempoChain(WebApplication app, TimeProvider time, ulong chainId)
    {
        _app = app;
        _time = time;
        ChainId = chainId;
        _tokens.Add(TempoChains.PathUsd);
    }

    public ulong ChainId { get; }

    public Uri Endpoint { get; private set; } = null!;

    public BigInteger BaseFeePerGas { get; set; } = 10_000_000_000;

    public BigInteger MaxPriorityFeePerGas { get; set; } = 1_000_000_000;

    public ulong GasEstimate { get; set; } = 60_000;

    /// <summary>When set, answers every HTTP request instead of the JSON-RPC handler (hostile-node tests).</summary>
    public Func<HttpContext, Task>? Hostile { get; set; }

    public int HttpRequestCount => Volatile.Read(ref _httpRequests);

    public IReadOnlyList<FakeRpcRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int CountOf(string method) => Requests.Count(r => r.Method == method);

    public static async Task<FakeTempoChain> StartAsync(TimeProvider time, ulong chainId = TempoChains.TestnetChainId)
    {
        var app = LoopbackApp.Create();
        var chain = new FakeTempoChain(app, time, chainId);
        app.Run(chain.HandleAsync);
        chain.Endpoint = await LoopbackApp.StartAsync(app);
        return chain;
    }

    public void AddToken(string token)
    {
        lock (_gate)
        {
            _tokens.Add(EvmAddress.Normalize(token));
        }
    }

    public void Fund(string token, string address, BigInteger amount)
    {
        lock (_gate)
        {
            var key = (EvmAddress.Normalize(token), EvmAddress.Normalize(address));
            _balances[key] = _balances.GetValueOrDefault(key) + amount;
        }
    }

    public BigInteger BalanceOf(string token, string address)
    {
        lock (_gate)
        {
            return _balances.GetValueOrDefault((EvmAddress.Normalize(token), EvmAddress.Normalize(address)));
        }
    }

    /// <summary>The receipt the fake mined for a transaction hash, or null.</summary>
    public JsonObject? Receipt(string hash)
    {
        lock (_gate)
        {
            return _receipts.TryGetValue(hash.ToLowerInvariant(), out var receipt) ? (JsonObject)receipt.DeepClone() : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var httpIndex = Interlocked.Increment(ref _httpRequests);
        if (Hostile is { } hostile)
        {
            await hostile(context);
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            await WriteAsync(context, Error(null, -32700, "parse error"));
            return;
        }

        JsonNode answer = body is JsonArray batch
            ? new JsonArray([.. batch.Select(item => (JsonNode?)Dispatch(httpIndex, item))])
            : Dispatch(httpIndex, body);
        await WriteAsync(context, answer);
    }

    private static async Task WriteAsync(HttpContext context, JsonNode answer)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject Dispatch(int httpIndex, JsonNode? request)
    {
        var id = request?["id"]?.DeepClone();
        if (request is not JsonObject call || call["method"]?.GetValue<string>() is not { } method
            || (string?)call["jsonrpc"] != "2.0")
        {
            return Error(id, -32600, "invalid request");
        }

        var parameters = call["params"] as JsonArray ?? [];
        lock (_gate)
        {
            _requests.Add(new FakeRpcRequest(httpIndex, method, JsonSerializer.SerializeToElement(parameters)));
        }

        try
        {
            JsonNode? result = method switch
            {
                "eth_chainId" => Quantity(ChainId),
                "eth_getTransactionCount" => GetTransactionCount(parameters),
                "eth_maxPriorityFeePerGas" => Quantity(MaxPriorityFeePerGas),
                "eth_getBlockByNumber" => LatestBlock(),
                "eth_estimateGas" => EstimateGas(parameters),
                "eth_call" => Call(parameters),
                "eth_sendRawTransaction" => SendRawTransaction(parameters),
                "eth_sendRawTransactionSync" => GetReceipt([SendRawTransaction(parameters)]),
                "eth_getTransactionReceipt" => GetReceipt(parameters),
                _ => throw new FakeRpcError(-32601, $"the method {method} does not exist"),
            };
            return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };
        }
        catch (FakeRpcError e)
        {
            return Error(id, e.Code, e.Message);
        }
    }

    private static JsonObject Error(JsonNode? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    private static string Quantity(BigInteger value) => RpcQuantity.Format(value);

    private static string Param(JsonArray parameters, int index) =>
        index < parameters.Count && parameters[index] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new FakeRpcError(-32602, $"missing string parameter {index}");

    private string GetTransactionCount(JsonArray parameters)
    {
        var address = Normalize(Param(parameters, 0));
        _ = Param(parameters, 1);
        lock (_gate)
        {
            return Quantity(_nonces.GetValueOrDefault((address, BigInteger.Zero)));
        }
    }

    private JsonObject LatestBlock()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["number"] = Quantity(_blockNumber),
                ["timestamp"] = Quantity(_time.GetUtcNow().ToUnixTimeSeconds()),
                ["baseFeePerGas"] = Quantity(BaseFeePerGas),
                ["transactions"] = new JsonArray(),
            };
        }
    }

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

        foreach (var c in calls)
        {
            if (c?["to"] is null || c["data"] is null)
            {
                throw new FakeRpcError(-32602, "a call needs to and data");
            }
        }

        return Quantity(GasEstimate);
    }

    /// <summary>
    /// Simulates a Tempo (0x76) call request the way mppx's server does before it broadcasts a pull transaction: every
    /// call must be a TIP-20 transfer(WithMemo) on a known token and the sender must hold the total. Nothing changes.
    /// </summary>
    private string Call(JsonArray parameters)
    {
        if (parameters.Count < 1 || parameters[0] is not JsonObject request)
        {
            throw new FakeRpcError(-32602, "eth_call takes a call request");
        }

        if ((string?)request["type"] != "0x76" || request["from"] is null
            || request["calls"] is not JsonArray { Count: > 0 } calls)
        {
            throw new FakeRpcError(-32602, "the fake only simulates Tempo (0x76) requests with from and calls");
        }

        if (request["chainId"] is JsonValue chainId && (!RpcQuantity.TryParse((string?)chainId, out var id) || id != ChainId))
        {
            throw new FakeRpcError(-32000, "invalid chain id");
        }

        var sender = Normalize((string?)request["from"] ?? "");
        var transfers = new List<FakeTransfer>();
        foreach (var c in calls)
        {
            if (c?["to"] is not JsonValue to || c["data"] is not JsonValue data)
            {
                throw new FakeRpcError(-32602, "a call needs to and data");
            }

            var valueText = (string?)c["value"];
            var value = BigInteger.Zero;
            if (valueText is { Length: > 2 } && !RpcQuantity.TryParse(valueText, out value))
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
            foreach (var group in transfers.GroupBy(t => t.Token))
            {
                var total = group.Aggregate(BigInteger.Zero, (sum, t) => sum + t.Amount);
                if (_balances.GetValueOrDefault((group.Key, sender)) < total)
                {
                    throw new FakeRpcError(3, "execution reverted: insufficient balance for transfer");
                }
            }
        }

        return "0x";
    }

    private JsonNode? GetReceipt(JsonArray parameters)
    {
        var hash = Param(parameters, 0).ToLowerInvariant();
        lock (_gate)
        {
            return _receipts.TryGetValue(hash, out var receipt) ? receipt.DeepClone() : null;
        }
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

        string sender;
        try
        {
            sender = Normalize(signature.RecoverAddress(tx.SignatureHash()));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException or NullReferenceException)
        {
            throw new FakeRpcError(-32000, "invalid signature");
        }

        string? feePayer = null;
        if (tx.FeePayerSignature is { } coSignature)
        {
            try
            {
                feePayer = Normalize(coSignature.RecoverAddress(FeePayerSignatureHash(raw, sender)));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException or NullReferenceException)
            {
                throw new FakeRpcError(-32000, "invalid fee payer signature");
            }

            if (tx.FeeToken is not { } feeToken || !_tokens.Contains(EvmAddress.Normalize(feeToken)))
            {
                throw new FakeRpcError(-32000, "a sponsored transaction needs a known fee token");
            }
        }

        if (tx.MaxFeePerGas < BaseFeePerGas)
        {
            throw new FakeRpcError(-32000, "max fee per gas less than block base fee");
        }

        if (tx.Gas < 21_000)
        {
            throw new FakeRpcError(-32000, "intrinsic gas too low");
        }

        var transfers = tx.Calls.Select(ReadTransfer).ToList();
        var hash = Hex.Encode(Keccak.Hash(raw));
        var now = (ulong)_time.GetUtcNow().ToUnixTimeSeconds();

        lock (_gate)
        {
            if (_receipts.ContainsKey(hash))
            {
                throw new FakeRpcError(-32000, "already known");
            }

            if (tx.NonceKey == TempoNonce.ExpiringKey)
            {
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
            else
            {
                var expected = _nonces.GetValueOrDefault((sender, tx.NonceKey));
                if (tx.Nonce != expected)
                {
                    throw new FakeRpcError(-32000, tx.Nonce < expected ? "nonce too low" : "nonce too high");
                }
            }

            if (tx.ValidAfter is { } after && after > now)
            {
                throw new FakeRpcError(-32000, "transaction not yet valid (validAfter)");
            }

            foreach (var group in transfers.GroupBy(t => t.Token))
            {
                var total = group.Aggregate(BigInteger.Zero, (sum, t) => sum + t.Amount);
                if (_balances.GetValueOrDefault((group.Key, sender)) < total)
                {
                    throw new FakeRpcError(-32000, "insufficient balance for transfer");
                }
            }

            if (tx.NonceKey != TempoNonce.ExpiringKey)
            {
                _nonces[(sender, tx.NonceKey)] = tx.Nonce + 1;
            }

            _blockNumber++;
            var logs = new JsonArray();
            foreach (var t in transfers)
            {
                _balances[(t.Token, sender)] = _balances.GetValueOrDefault((t.Token, sender)) - t.Amount;
                _balances[(t.Token, t.To)] = _balances.GetValueOrDefault((t.Token, t.To)) + t.Amount;
                logs.Add(Log(hash, logs.Count, t.Token, [TransferTopic, Word(sender), Word(t.To)], t.Amount));
                if (t.Memo is not null)
                {
                    logs.Add(Log(hash, logs.Count, t.Token, [TransferWithMemoTopic, Word(sender), Word(t.To), Hex.Encode(t.Memo)], t.Amount));
                }
            }

            _receipts[hash] = new JsonObject
            {
                ["transactionHash"] = hash,
                ["transactionIndex"] = "0x0",
                ["blockNumber"] = Quantity(_blockNumber),
                ["blockHash"] = Hex.Encode(Keccak.Hash(BitConverter.GetBytes(_blockNumber))),
                ["from"] = sender,
                ["feePayer"] = feePayer ?? sender,
                ["to"] = tx.Calls[0].To,
                ["status"] = "0x1",
                ["type"] = "0x76",
                ["gasUsed"] = Quantity(Math.Min(tx.Gas, GasEstimate)),
                ["cumulativeGasUsed"] = Quantity(Math.Min(tx.Gas, GasEstimate)),
                ["effectiveGasPrice"] = Quantity(BigInteger.Min(tx.MaxFeePerGas, BaseFeePerGas + tx.MaxPriorityFeePerGas)),
                ["logs"] = logs,
            };
        }

        return hash;
    }

    /// <summary>
    /// What the fee payer signs (ox <c>getFeePayerSignPayload</c>): keccak256(0x78 ‖ rlp(the fields with the fee token,
    /// the sender's address in the fee-payer slot, no sender signature)). Rebuilt from the raw envelope, so the fee
    /// payer's signature is checked against exactly what was broadcast.
    /// </summary>
    private static byte[] FeePayerSignatureHash(byte[] raw, string sender)
    {
        var fields = RlpReader.Decode(raw.AsSpan(1)).AsList();
        var payload = new List<byte[]>();
        for (var i = 0; i < 11; i++)
        {
            payload.Add(Reencode(fields[i]));
        }

        payload.Add(Rlp.Bytes(EvmAddress.ToBytes(sender)));
        for (var i = 12; i < fields.Count - 1; i++)
        {
            payload.Add(Reencode(fields[i]));
        }

        return Keccak.Hash([TempoTransaction.FeePayerMagic, .. Rlp.List(payload)]);
    }

    private static byte[] Reencode(RlpItem item) =>
        item.IsList ? Rlp.List(item.AsList().Select(Reencode)) : Rlp.Bytes(item.AsBytes());

    private JsonObject Log(string hash, int index, string token, string[] topics, BigInteger amount) => new()
    {
        ["address"] = token,
        ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode?)t)]),
        ["data"] = Hex.Encode(Word32(amount)),
        ["logIndex"] = Quantity(index),
        ["transactionHash"] = hash,
        ["transactionIndex"] = "0x0",
        ["blockNumber"] = Quantity(_blockNumber),
        ["removed"] = false,
    };

    private FakeTransfer ReadTransfer(TempoCall call)
    {
        if (call.To is null || !_tokens.Contains(call.To))
        {
            throw new FakeRpcError(-32000, "call target is not a known TIP-20 token");
        }

        if (!call.Value.IsZero)
        {
            throw new FakeRpcError(-32000, "TIP-20 calls carry no value");
        }

        var input = call.Input;
        var memo = input.Length == 100 && input[..4].SequenceEqual(TransferWithMemoSelector);
        if (!memo && !(input.Length == 68 && input[..4].SequenceEqual(TransferSelector)))
        {
            throw new FakeRpcError(-32000, "only TIP-20 transfer and transferWithMemo are supported");
        }

        if (input[4..16].ContainsAnyExcept((byte)0))
        {
            throw new FakeRpcError(-32000, "malformed address argument");
        }

        var to = Hex.Encode(input[16..36]);
        var amount = new BigInteger(input[36..68], isUnsigned: true, isBigEndian: true);
        return new FakeTransfer(call.To, to, amount, memo ? input[68..100].ToArray() : null);
    }

    private static string Normalize(string address)
    {
        try
        {
            return EvmAddress.Normalize(address);
        }
        catch (FormatException)
        {
            throw new FakeRpcError(-32602, "not an address");
        }
    }

    private static string Word(string address) => Hex.Encode(Word32(new BigInteger(EvmAddress.ToBytes(address), isUnsigned: true, isBigEndian: true)));

    private static byte[] Word32(BigInteger value)
    {
        var word = new byte[32];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (!value.IsZero)
        {
            bytes.CopyTo(word, 32 - bytes.Length);
        }

        return word;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FakeTempoChain {{ ChainId = {ChainId}, Endpoint = {Endpoint} }}");
}
