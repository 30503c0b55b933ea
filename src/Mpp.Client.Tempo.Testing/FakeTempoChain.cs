using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Tempo.Testing;

/// <summary>
/// An in-process fake Tempo node for tests: a real Kestrel JSON-RPC 2.0 server on 127.0.0.1 answering the calls a payer
/// and a payee make (<c>eth_chainId</c>, <c>eth_blockNumber</c>, <c>eth_getTransactionCount</c>, <c>eth_maxPriorityFeePerGas</c>,
/// <c>eth_getBlockByNumber</c>, <c>eth_estimateGas</c>, <c>eth_call</c>, <c>eth_sendRawTransaction</c>,
/// <c>eth_sendRawTransactionSync</c>, <c>eth_getTransactionReceipt</c>). Point a payer's RPC URL at <see cref="Endpoint"/>.
/// </summary>
/// <remarks>
/// <para>It never trusts what it is told: a raw transaction is decoded with Mpp.Client.Tempo's own decoder, the sender is
/// recovered from its signature (and the fee payer from the co-signature of a sponsored transaction), and the chain id,
/// the nonce (an expiring nonce: nonce 0 and validAfter ≤ now &lt; validBefore ≤ now + <see cref="MaxExpiringWindow"/> on
/// the chain's clock; otherwise the sender's next nonce on that lane), the fee cap against <see cref="BaseFeePerGas"/>
/// and the calls are checked: every call must be a TIP-20 <c>transfer</c> or <c>transferWithMemo</c> without value to a
/// known token (<see cref="AddToken"/>; pathUSD is known from the start) that the sender's balance covers, or a call to
/// the TIP-1034 channel escrow precompile at <see cref="ChannelEscrow"/> (see <see cref="GetChannel"/>).</para>
/// <para>The transfers are applied to per-token balances (<see cref="Fund"/>) atomically, and the receipt's logs are the
/// events a TIP-20 token emits: <c>Transfer</c>, followed for a memo transfer by <c>TransferWithMemo</c> (memo indexed).
/// Fees are not charged. Every JSON-RPC call is recorded in <see cref="Requests"/>. All members are thread-safe.</para>
/// </remarks>
public sealed partial class FakeTempoChain : IAsyncDisposable
{
    /// <summary>The Tempo testnet ("Moderato") chain id, the default of <see cref="StartAsync"/>.</summary>
    public const ulong TestnetChainId = TempoChains.TestnetChainId;

    /// <summary>The pathUSD TIP-20 token (6 decimals), known to every fake chain.</summary>
    public const string PathUsd = TempoChains.PathUsd;

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<FakeTempoRpcRequest> _requests = [];
    private readonly Dictionary<(string Token, string Address), BigInteger> _balances = [];
    private readonly Dictionary<(string Address, BigInteger Key), ulong> _nonces = [];
    private readonly Dictionary<string, JsonObject> _receipts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal) { TempoChains.PathUsd };
    private int _httpRequests;
    private ulong _blockNumber = 1000;
    private BigInteger _baseFeePerGas = 10_000_000_000;
    private BigInteger _maxPriorityFeePerGas = 1_000_000_000;
    private ulong _gasEstimate = 60_000;
    private bool _revertTransactions;
    private Func<HttpContext, Task>? _hostile;

    private FakeTempoChain(WebApplication app, TimeProvider timeProvider, ulong chainId)
    {
        _app = app;
        TimeProvider = timeProvider;
        ChainId = chainId;
    }

    /// <summary>topic 0 of a TIP-20 <c>Transfer(address,address,uint256)</c> event log.</summary>
    public static string TransferTopic => Tip20Transfer.TransferTopic;

    /// <summary>topic 0 of a TIP-20 <c>TransferWithMemo(address,address,uint256,bytes32)</c> event log.</summary>
    public static string TransferWithMemoTopic => Tip20Transfer.TransferWithMemoTopic;

    /// <summary>The widest expiring-nonce window the chain accepts (validBefore − now): 30 seconds.</summary>
    public static TimeSpan MaxExpiringWindow { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The chain id the node reports and requires of every transaction.</summary>
    public ulong ChainId { get; }

    /// <summary>The JSON-RPC endpoint, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The chain's clock: block timestamps and validity windows are read from it.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The latest block's base fee (wei per gas); a transaction whose fee cap is lower is refused. Default 10 gwei.</summary>
    public BigInteger BaseFeePerGas
    {
        get { lock (_gate) { return _baseFeePerGas; } }
        set { lock (_gate) { _baseFeePerGas = value; } }
    }

    /// <summary>What <c>eth_maxPriorityFeePerGas</c> answers. Default 1 gwei.</summary>
    public BigInteger MaxPriorityFeePerGas
    {
        get { lock (_gate) { return _maxPriorityFeePerGas; } }
        set { lock (_gate) { _maxPriorityFeePerGas = value; } }
    }

    /// <summary>What <c>eth_estimateGas</c> answers (and the gas a mined transaction uses at most). Default 60,000.</summary>
    public ulong GasEstimate
    {
        get { lock (_gate) { return _gasEstimate; } }
        set { lock (_gate) { _gasEstimate = value; } }
    }

    /// <summary>
    /// When true, every valid transaction is mined as reverted: a receipt with status 0x0 and no logs, no balance changes
    /// (its nonce is still used). Default false.
    /// </summary>
    public bool RevertTransactions
    {
        get { lock (_gate) { return _revertTransactions; } }
        set { lock (_gate) { _revertTransactions = value; } }
    }

    /// <summary>
    /// When set, answers every HTTP request instead of the JSON-RPC handler (to test how a client meets a hostile or broken
    /// node: errors, garbage, huge or slow answers). Requests it answers are counted in <see cref="HttpRequestCount"/> only.
    /// </summary>
    public Func<HttpContext, Task>? Hostile
    {
        get => Volatile.Read(ref _hostile);
        set => Volatile.Write(ref _hostile, value);
    }

    /// <summary>How many HTTP requests reached the node (a batch counts once).</summary>
    public int HttpRequestCount => Volatile.Read(ref _httpRequests);

    /// <summary>A copy of the JSON-RPC calls received so far, in arrival order.</summary>
    public IReadOnlyList<FakeTempoRpcRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A JSON-RPC client to this chain for the verifier (its HttpClient lives as long as the chain).</summary>
    internal TempoRpcClient Rpc { get; private set; } = null!;

    /// <summary>Starts a fake chain on a free loopback port.</summary>
    /// <param name="timeProvider">The chain's clock (e.g. a <c>FakeTimeProvider</c> shared with the payer); default <see cref="TimeProvider.System"/>.</param>
    /// <param name="chainId">The chain id; default <see cref="TestnetChainId"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running chain; dispose it to stop it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chainId"/> is 0.</exception>
    public static async Task<FakeTempoChain> StartAsync(TimeProvider? timeProvider = null, ulong chainId = TestnetChainId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chainId);
        var app = LoopbackHost.Create();
        var chain = new FakeTempoChain(app, timeProvider ?? TimeProvider.System, chainId);
        app.Run(chain.HandleAsync);
        chain.Endpoint = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        chain.Rpc = new TempoRpcClient(chain._http, chain.Endpoint, chain.TimeProvider);
        return chain;
    }

    /// <summary>How many JSON-RPC calls of <paramref name="method"/> the node received.</summary>
    /// <param name="method">The JSON-RPC method, e.g. <c>eth_sendRawTransaction</c>.</param>
    public int CountOf(string method)
    {
        lock (_gate)
        {
            return _requests.Count(r => r.Method == method);
        }
    }

    /// <summary>Makes <paramref name="token"/> a TIP-20 token the chain knows (transfers to unknown tokens are refused).</summary>
    /// <param name="token">The token address (0x-prefixed, 20 bytes, any case).</param>
    /// <exception cref="FormatException">Not an address.</exception>
    public void AddToken(string token)
    {
        var normalized = EvmAddress.Normalize(token);
        lock (_gate)
        {
            _tokens.Add(normalized);
        }
    }

    /// <summary>Adds <paramref name="amount"/> base units of <paramref name="token"/> to the balance of <paramref name="address"/>.</summary>
    /// <param name="token">The token address.</param>
    /// <param name="address">The account address.</param>
    /// <param name="amount">Base units (6 decimals for pathUSD); may be negative to take funds away.</param>
    /// <exception cref="FormatException">An address is malformed.</exception>
    public void Fund(string token, string address, BigInteger amount)
    {
        var key = (EvmAddress.Normalize(token), EvmAddress.Normalize(address));
        lock (_gate)
        {
            _balances[key] = _balances.GetValueOrDefault(key) + amount;
        }
    }

    /// <summary>The balance of <paramref name="address"/> in <paramref name="token"/>, in base units.</summary>
    /// <param name="token">The token address.</param>
    /// <param name="address">The account address.</param>
    /// <exception cref="FormatException">An address is malformed.</exception>
    public BigInteger BalanceOf(string token, string address)
    {
        var key = (EvmAddress.Normalize(token), EvmAddress.Normalize(address));
        lock (_gate)
        {
            return _balances.GetValueOrDefault(key);
        }
    }

    /// <summary>A copy of the receipt the chain mined for a transaction, as <c>eth_getTransactionReceipt</c> answers it, or null.</summary>
    /// <param name="transactionHash">The 0x-prefixed transaction hash (any case).</param>
    public JsonObject? Receipt(string transactionHash)
    {
        ArgumentNullException.ThrowIfNull(transactionHash);
        lock (_gate)
        {
            return _receipts.TryGetValue(transactionHash.ToLowerInvariant(), out var receipt) ? (JsonObject)receipt.DeepClone() : null;
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FakeTempoChain {{ ChainId = {ChainId}, Endpoint = {Endpoint} }}");

    private async Task HandleAsync(HttpContext context)
    {
        var httpIndex = Interlocked.Increment(ref _httpRequests);
        if (Hostile is { } hostile)
        {
            await hostile(context).ConfigureAwait(false);
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            await WriteAsync(context, Error(null, -32700, "parse error")).ConfigureAwait(false);
            return;
        }

        JsonNode answer = body is JsonArray batch
            ? new JsonArray([.. batch.Select(item => (JsonNode?)Dispatch(httpIndex, item))])
            : Dispatch(httpIndex, body);
        await WriteAsync(context, answer).ConfigureAwait(false);
    }

    private static Task WriteAsync(HttpContext context, JsonNode answer)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private JsonObject Dispatch(int httpIndex, JsonNode? request)
    {
        var id = request?["id"]?.DeepClone();
        if (request is not JsonObject call || call["method"] is not JsonValue methodValue
            || !methodValue.TryGetValue<string>(out var method) || call["jsonrpc"] is not JsonValue version
            || !version.TryGetValue<string>(out var v) || v != "2.0")
        {
            return Error(id, -32600, "invalid request");
        }

        var parameters = call["params"] as JsonArray ?? [];
        lock (_gate)
        {
            _requests.Add(new FakeTempoRpcRequest(httpIndex, method, ToElement(parameters)));
        }

        try
        {
            JsonNode? result = method switch
            {
                "eth_chainId" => Quantity(ChainId),
                "eth_blockNumber" => BlockNumber(),
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

    private static JsonElement ToElement(JsonArray parameters)
    {
        using var document = JsonDocument.Parse(parameters.ToJsonString());
        return document.RootElement.Clone();
    }

    private static string Quantity(BigInteger value) => RpcQuantity.Format(value);

    private static string Param(JsonArray parameters, int index) =>
        index < parameters.Count && parameters[index] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new FakeRpcError(-32602, $"missing string parameter {index}");

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

    private string GetTransactionCount(JsonArray parameters)
    {
        var address = Normalize(Param(parameters, 0));
        _ = Param(parameters, 1);
        lock (_gate)
        {
            return Quantity(_nonces.GetValueOrDefault((address, BigInteger.Zero)));
        }
    }

    private string BlockNumber()
    {
        lock (_gate)
        {
            return Quantity(_blockNumber);
        }
    }

    private JsonObject LatestBlock()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["number"] = Quantity(_blockNumber),
                ["timestamp"] = Quantity(TimeProvider.GetUtcNow().ToUnixTimeSeconds()),
                ["baseFeePerGas"] = Quantity(_baseFeePerGas),
                ["transactions"] = new JsonArray(),
            };
        }
    }

    private JsonNode? GetReceipt(JsonArray parameters)
    {
        var hash = Param(parameters, 0).ToLowerInvariant();
        lock (_gate)
        {
            return _receipts.TryGetValue(hash, out var receipt) ? receipt.DeepClone() : null;
        }
    }
}
