using System.Buffers;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Transactions;
using Polly;
using Polly.Retry;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>
/// A small typed JSON-RPC 2.0 client for one Tempo node endpoint, over an injected <see cref="HttpClient"/> (meant to be
/// its own named client, never one whose pipeline pays 402s). It caches the chain id for its lifetime and fee data for
/// <see cref="TempoRpcClientOptions.FeeDataLifetime"/> (concurrent callers share one request), and asks for the two fee
/// values in one batched request. A pull payment with an expiring nonce needs no nonce lookup, so in steady state it
/// costs the gas estimate plus, once per fee lifetime, one fee round trip; a push payment adds one
/// <c>eth_sendRawTransactionSync</c>. Reaching "at most one round trip" needs the wallet to reuse gas limits per call
/// shape instead of estimating every time.
/// </summary>
/// <remarks>
/// Errors are <see cref="TempoRpcErrorException"/> (a JSON-RPC error object), <see cref="TempoRpcHttpException"/> (no
/// response or a non-success status) and <see cref="TempoRpcMalformedResponseException"/> (not JSON-RPC, wrong shape,
/// or larger than <see cref="TempoRpcClientOptions.MaxResponseBytes"/>). No message repeats a raw transaction.
/// </remarks>
internal sealed class TempoRpcClient
{
    private const int MaxEchoedMessageLength = 200;

    private readonly Func<HttpClient> _http;
    private readonly Uri _endpoint;
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;
    private readonly TempoRpcClientOptions _options;
    private readonly SemaphoreSlim _chainIdGate = new(1, 1);
    private readonly SemaphoreSlim _feeGate = new(1, 1);
    private ulong? _chainId;
    private CachedFees? _fees;
    private long _nextId;

    public TempoRpcClient(HttpClient http, Uri endpoint, TimeProvider time, TempoRpcClientOptions? options = null)
        : this(Of(http), endpoint, time, options)
    {
    }

    /// <summary>A client taking an <see cref="HttpClient"/> from <paramref name="http"/> per exchange (an
    /// <c>IHttpClientFactory</c>'s named client, so handler lifetimes rotate).</summary>
    public TempoRpcClient(Func<HttpClient> http, Uri endpoint, TimeProvider time, TempoRpcClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(time);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The RPC endpoint must be an absolute http(s) URI.", nameof(endpoint));
        }

        _http = http;
        _endpoint = endpoint;
        _time = time;
        _options = options ?? new TempoRpcClientOptions();
        if (_options.MaxResponseBytes <= 0 || _options.FeeDataLifetime < TimeSpan.Zero || _options.RequestTimeout <= TimeSpan.Zero
            || _options.Retries is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxResponseBytes and RequestTimeout must be positive, FeeDataLifetime not negative, Retries 0 to 5.");
        }

        _retry = _options.Retries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    // Transport failures, timeouts, 429 and 5xx. A JSON-RPC error or a malformed answer is the node's
                    // word and is not asked again.
                    ShouldHandle = new PredicateBuilder().Handle<TempoRpcHttpException>(static e => e.IsTransient),
                    MaxRetryAttempts = _options.Retries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = _options.RetryDelay,
                })
                .Build();
    }

    private static Func<HttpClient> Of(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return () => http;
    }

    /// <summary><c>eth_chainId</c>, asked once per client (endpoint) and then remembered.</summary>
    public async Task<ulong> GetChainIdAsync(CancellationToken cancellationToken)
    {
        if (_chainId is { } known)
        {
            return known;
        }

        await _chainIdGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_chainId is { } raced)
            {
                return raced;
            }

            var result = await CallAsync("eth_chainId", static _ => { }, cancellationToken).ConfigureAwait(false);
            var chainId = ToUInt64(Quantity(result, "eth_chainId"), "eth_chainId");
            _chainId = chainId;
            return chainId;
        }
        finally
        {
            _chainIdGate.Release();
        }
    }

    /// <summary><c>eth_getTransactionCount(address, blockTag)</c>: the protocol nonce (nonce key 0).</summary>
    public async Task<ulong> GetTransactionCountAsync(string address, string blockTag, CancellationToken cancellationToken)
    {
        var normalized = EvmAddress.Normalize(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(blockTag);
        var result = await CallAsync("eth_getTransactionCount", w =>
        {
            w.WriteStringValue(normalized);
            w.WriteStringValue(blockTag);
        }, cancellationToken).ConfigureAwait(false);
        return ToUInt64(Quantity(result, "eth_getTransactionCount"), "eth_getTransactionCount");
    }

    /// <summary>
    /// <c>eth_maxPriorityFeePerGas</c> and the latest block's <c>baseFeePerGas</c>, in one batched request, reused for
    /// <see cref="TempoRpcClientOptions.FeeDataLifetime"/>.
    /// </summary>
    public async Task<TempoFeeData> GetFeeDataAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (Volatile.Read(ref _fees) is { } cached && now < cached.Expires)
        {
            return cached.Data;
        }

        // One request in flight: concurrent payments share its answer.
        await _feeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _fees) is { } raced && _time.GetUtcNow() < raced.Expires)
            {
                return raced.Data;
            }

            return await FetchFeeDataAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _feeGate.Release();
        }
    }

    private async Task<TempoFeeData> FetchFeeDataAsync(CancellationToken cancellationToken)
    {
        var results = await BatchAsync(
            [
                ("eth_maxPriorityFeePerGas", static _ => { }),
                ("eth_getBlockByNumber", static w =>
                {
                    w.WriteStringValue("latest");
                    w.WriteBooleanValue(false);
                }),
            ],
            cancellationToken).ConfigureAwait(false);
        var priority = Quantity(results[0], "eth_maxPriorityFeePerGas");
        if (results[1].ValueKind != JsonValueKind.Object
            || !results[1].TryGetProperty("baseFeePerGas", out var baseFeeElement))
        {
            throw Malformed("eth_getBlockByNumber", "the latest block has no baseFeePerGas");
        }

        var data = new TempoFeeData(Quantity(baseFeeElement, "eth_getBlockByNumber"), priority);
        Volatile.Write(ref _fees, new CachedFees(data, _time.GetUtcNow() + _options.FeeDataLifetime));
        return data;
    }

    /// <summary>
    /// <c>eth_estimateGas</c> for a Tempo transaction, with the request shape viem 2.57 sends for one (viem
    /// <c>src/tempo/Formatters.ts</c> <c>formatTransactionRequest</c> → ox <c>TransactionRequest.toRpc</c>): <c>from</c>,
    /// <c>calls</c> [{to, value, data}], <c>type</c> 0x76, <c>nonceKey</c>, <c>nonce</c>, <c>validBefore</c>,
    /// <c>validAfter</c>, <c>feeToken</c>, <c>keyType</c> "secp256k1", and no fee fields. mppx 0.11.0 adds 5,000 gas
    /// to the estimate (<c>dist/tempo/client/Charge.js</c>); that margin is the caller's.
    /// </summary>
    public async Task<ulong> EstimateGasAsync(TempoTransaction transaction, string from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var sender = EvmAddress.Normalize(from);
        var result = await CallAsync("eth_estimateGas", w =>
        {
            w.WriteStartObject();
            w.WriteString("from", sender);
            w.WriteStartArray("calls");
            foreach (var call in transaction.Calls)
            {
                w.WriteStartObject();
                if (call.To is not null)
                {
                    w.WriteString("to", call.To);
                }

                w.WriteString("value", RpcQuantity.Format(call.Value));
                w.WriteString("data", Hex.Encode(call.Input));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("type", "0x76");
            w.WriteString("nonceKey", RpcQuantity.Format(transaction.NonceKey));
            w.WriteString("nonce", RpcQuantity.Format(transaction.Nonce));
            if (transaction.ValidBefore is { } before)
            {
                w.WriteString("validBefore", RpcQuantity.Format(before));
            }

            if (transaction.ValidAfter is { } after)
            {
                w.WriteString("validAfter", RpcQuantity.Format(after));
            }

            if (transaction.FeeToken is not null && !transaction.FeePayer)
            {
                w.WriteString("feeToken", transaction.FeeToken);
            }

            w.WriteString("keyType", "secp256k1");
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return ToUInt64(Quantity(result, "eth_estimateGas"), "eth_estimateGas");
    }

    /// <summary>
    /// A TIP-20 <c>balanceOf(owner)</c> read with <c>eth_call</c> at the latest block (selector <c>0x70a08231</c>, the
    /// ERC-20 signature TIP-20 keeps), in base units.
    /// </summary>
    public async Task<BigInteger> GetTokenBalanceAsync(string token, string owner, CancellationToken cancellationToken)
    {
        var to = EvmAddress.Normalize(token);
        var data = "0x70a08231" + new string('0', 24) + EvmAddress.Normalize(owner)[2..];
        var result = await CallAsync("eth_call", w =>
        {
            w.WriteStartObject();
            w.WriteString("to", to);
            w.WriteString("data", data);
            w.WriteEndObject();
            w.WriteStringValue("latest");
        }, cancellationToken).ConfigureAwait(false);
        if (result.ValueKind != JsonValueKind.String || !TryDecodeWord(result.GetString()!, out var balance))
        {
            throw new TempoRpcMalformedResponseException("eth_call balanceOf did not return one 32-byte word.");
        }

        return balance;
    }

    private static bool TryDecodeWord(string hex, out BigInteger value)
    {
        value = default;
        if (hex.Length != 66 || !hex.StartsWith("0x", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            value = new BigInteger(Convert.FromHexString(hex.AsSpan(2)), isUnsigned: true, isBigEndian: true);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary><c>eth_sendRawTransaction</c>; returns the transaction hash (32 bytes).</summary>
    public async Task<byte[]> SendRawTransactionAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        if (envelope.IsEmpty)
        {
            throw new ArgumentException("The transaction envelope is empty.", nameof(envelope));
        }

        var result = await CallAsync("eth_sendRawTransaction", w => w.WriteStringValue(Hex.Encode(envelope.Span)), cancellationToken)
            .ConfigureAwait(false);
        return Hash32(result, "eth_sendRawTransaction");
    }

    /// <summary><c>eth_getTransactionReceipt</c>; null while the transaction is unknown or pending.</summary>
    public async Task<TempoTransactionReceipt?> GetTransactionReceiptAsync(ReadOnlyMemory<byte> transactionHash, CancellationToken cancellationToken)
    {
        if (transactionHash.Length != 32)
        {
            throw new ArgumentException("A transaction hash is 32 bytes.", nameof(transactionHash));
        }

        const string method = "eth_getTransactionReceipt";
        var result = await CallAsync(method, w => w.WriteStringValue(Hex.Encode(transactionHash.Span)), cancellationToken)
            .ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : ParseReceipt(result, method);
    }

    /// <summary>
    /// <c>eth_sendRawTransactionSync</c> (EIP-7966): sends and waits for the receipt in one round trip, as mppx 0.11.0's
    /// push mode does through viem's <c>sendTransactionSync</c> (params <c>[raw, timeoutMs]</c>; viem's default timeout
    /// for Tempo is max(3 × blockTime, 5 s) = 5 s).
    /// </summary>
    public async Task<TempoTransactionReceipt> SendRawTransactionSyncAsync(ReadOnlyMemory<byte> envelope, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (envelope.IsEmpty)
        {
            throw new ArgumentException("The transaction envelope is empty.", nameof(envelope));
        }

        const string method = "eth_sendRawTransactionSync";
        var result = await CallAsync(method, w =>
        {
            w.WriteStringValue(Hex.Encode(envelope.Span));
            if (timeout is { } t)
            {
                w.WriteNumberValue((long)t.TotalMilliseconds);
            }
        }, cancellationToken).ConfigureAwait(false);
        return ParseReceipt(result, method);
    }

    private static TempoTransactionReceipt ParseReceipt(JsonElement result, string method)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(method, "the receipt is not an object");
        }

        var logs = new List<TempoLog>();
        if (!result.TryGetProperty("logs", out var logsElement) || logsElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(method, "the receipt has no logs array");
        }

        foreach (var log in logsElement.EnumerateArray())
        {
            if (log.ValueKind != JsonValueKind.Object
                || !log.TryGetProperty("topics", out var topicsElement)
                || topicsElement.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(method, "a log has no topics array");
            }

            var topics = new List<string>();
            foreach (var topic in topicsElement.EnumerateArray())
            {
                topics.Add(Hex.Encode(Hash32(topic, method)));
            }

            try
            {
                logs.Add(new TempoLog(
                    Text(log, "address", method),
                    topics,
                    Hex.Decode(Text(log, "data", method)),
                    ToUInt64(Quantity(Property(log, "logIndex", method), method), method)));
            }
            catch (FormatException e)
            {
                throw Malformed(method, "a log has a malformed address or data", e);
            }
        }

        string from;
        try
        {
            from = EvmAddress.Normalize(Text(result, "from", method));
        }
        catch (FormatException e)
        {
            throw Malformed(method, "the receipt's from is not an address", e);
        }

        var status = Quantity(Property(result, "status", method), method);
        return new TempoTransactionReceipt
        {
            TransactionHash = Hex.Encode(Hash32(Property(result, "transactionHash", method), method)),
            BlockNumber = ToUInt64(Quantity(Property(result, "blockNumber", method), method), method),
            Succeeded = status == BigInteger.One,
            From = from,
            Logs = logs,
            GasUsed = result.TryGetProperty("gasUsed", out var gasUsed) ? ToUInt64(Quantity(gasUsed, method), method) : null,
            EffectiveGasPrice = result.TryGetProperty("effectiveGasPrice", out var price) ? Quantity(price, method) : null,
        };
    }

    private async Task<JsonElement> CallAsync(string method, Action<Utf8JsonWriter> writeParams, CancellationToken cancellationToken)
    {
        var results = await BatchAsync([(method, writeParams)], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Sends one request (a single call) or a JSON-RPC batch (several) and returns the results in call order.</summary>
    private Task<JsonElement[]> BatchAsync(IReadOnlyList<(string Method, Action<Utf8JsonWriter> WriteParams)> calls, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(static (state, ct) => new ValueTask<JsonElement[]>(state.Self.ExchangeAsync(state.Calls, ct)), (Self: this, Calls: calls), cancellationToken).AsTask();

    /// <summary>One exchange with the node (the retry pipeline may run it again, with new ids).</summary>
    private async Task<JsonElement[]> ExchangeAsync(IReadOnlyList<(string Method, Action<Utf8JsonWriter> WriteParams)> calls, CancellationToken cancellationToken)
    {
        var batch = calls.Count > 1;
        var label = string.Join(",", calls.Select(c => c.Method));
        var firstId = Interlocked.Add(ref _nextId, calls.Count) - calls.Count + 1;

        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            if (batch)
            {
                writer.WriteStartArray();
            }

            for (var i = 0; i < calls.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc", "2.0");
                writer.WriteNumber("id", firstId + i);
                writer.WriteString("method", calls[i].Method);
                writer.WriteStartArray("params");
                calls[i].WriteParams(writer);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (batch)
            {
                writer.WriteEndArray();
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(body.WrittenSpan.ToArray()),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        // One deadline for the whole exchange, body included (HttpClient.Timeout stops at the headers when they are read
        // first): a node that drips its answer cannot hold a payment.
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        byte[] payload;
        try
        {
            using var response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TempoRpcHttpException($"Tempo RPC {label}: the node answered HTTP {(int)response.StatusCode}.")
                {
                    Method = label,
                    StatusCode = response.StatusCode,
                };
            }

            payload = await ReadBoundedAsync(response, label, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TempoRpcHttpException($"Tempo RPC {label}: the request to the node failed.", e) { Method = label };
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TempoRpcHttpException($"Tempo RPC {label}: the request to the node timed out.", e) { Method = label };
        }

        List<JsonRpcResponse> responses;
        try
        {
            if (batch)
            {
                responses = JsonSerializer.Deserialize(payload, TempoRpcJsonContext.Default.ListJsonRpcResponse)
                    ?? throw Malformed(label, "the batch answer is null");
            }
            else
            {
                var single = JsonSerializer.Deserialize(payload, TempoRpcJsonContext.Default.JsonRpcResponse)
                    ?? throw Malformed(label, "the answer is null");
                responses = [single];
            }
        }
        catch (JsonException e)
        {
            throw Malformed(label, "the answer is not a JSON-RPC 2.0 response", e);
        }

        var results = new JsonElement[calls.Count];
        var seen = new bool[calls.Count];
        foreach (var answer in responses)
        {
            if (answer is null || answer.JsonRpc != "2.0" || answer.Id.ValueKind != JsonValueKind.Number
                || !answer.Id.TryGetInt64(out var id) || id < firstId || id >= firstId + calls.Count || seen[id - firstId])
            {
                throw Malformed(label, "an answer has a missing or unexpected jsonrpc version or id");
            }

            var index = (int)(id - firstId);
            seen[index] = true;
            var method = calls[index].Method;
            if (answer.Error is { } error)
            {
                var echoed = Sanitize(error.Message);
                throw new TempoRpcErrorException($"Tempo RPC {method} failed with JSON-RPC error {error.Code}: {echoed}")
                {
                    Method = method,
                    Code = error.Code,
                    RpcMessage = echoed,
                };
            }

            if (answer.Result.ValueKind == JsonValueKind.Undefined)
            {
                throw Malformed(method, "the answer has neither result nor error");
            }

            results[index] = answer.Result;
        }

        if (seen.Contains(false))
        {
            throw Malformed(label, "the batch answer misses a response");
        }

        return results;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string label, CancellationToken cancellationToken)
    {
        var max = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > max)
        {
            throw Malformed(label, $"the answer is larger than {max} bytes");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > max)
                    {
                        throw Malformed(label, $"the answer is larger than {max} bytes");
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (IOException e)
            {
                throw new TempoRpcHttpException($"Tempo RPC {label}: reading the answer failed.", e) { Method = label };
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>Truncates a node's error message and redacts hex runs longer than a hash (raw transactions, call data).</summary>
    internal static string Sanitize(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "(no message)";
        }

        var text = new StringBuilder(Math.Min(message.Length, MaxEchoedMessageLength + 16));
        var i = 0;
        while (i < message.Length && text.Length < MaxEchoedMessageLength)
        {
            var start = i;
            if (message[i] == '0' && i + 1 < message.Length && message[i + 1] is 'x' or 'X')
            {
                start = i + 2;
            }

            var end = start;
            while (end < message.Length && char.IsAsciiHexDigit(message[end]))
            {
                end++;
            }

            if (end - start > 64)
            {
                text.Append("[redacted hex]");
                i = end;
                continue;
            }

            var c = message[i];
            text.Append(char.IsControl(c) ? ' ' : c);
            i++;
        }

        if (i < message.Length)
        {
            text.Append('…');
        }

        return text.ToString();
    }

    private static BigInteger Quantity(JsonElement element, string method) =>
        element.ValueKind == JsonValueKind.String && RpcQuantity.TryParse(element.GetString(), out var value)
            ? value
            : throw Malformed(method, "expected a hex quantity");

    private static ulong ToUInt64(BigInteger value, string method) =>
        value <= ulong.MaxValue ? (ulong)value : throw Malformed(method, "the quantity does not fit 64 bits");

    private static byte[] Hash32(JsonElement element, string method)
    {
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: 66 } text
            && text.StartsWith("0x", StringComparison.Ordinal))
        {
            try
            {
                return Hex.Decode(text);
            }
            catch (FormatException)
            {
            }
        }

        throw Malformed(method, "expected a 32-byte hex hash");
    }

    private static JsonElement Property(JsonElement element, string name, string method) =>
        element.TryGetProperty(name, out var value) ? value : throw Malformed(method, $"missing '{name}'");

    private static string Text(JsonElement element, string name, string method)
    {
        var value = Property(element, name, method);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Malformed(method, $"'{name}' is not a string");
    }

    private static TempoRpcMalformedResponseException Malformed(string method, string what, Exception? inner = null) =>
        new($"Tempo RPC {method}: malformed answer ({what}).", inner) { Method = method };

    private sealed record CachedFees(TempoFeeData Data, DateTimeOffset Expires);
}
