using System.Net;
using System.Numerics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Rpc;

/// <summary>The JSON-RPC client against the fake Tempo chain (a real Kestrel server on 127.0.0.1).</summary>
public sealed class TempoRpcClientTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Chain_id_is_asked_once_per_client()
    {
        await using var f = await FakeChainFixture.StartAsync(TempoChains.MainnetChainId);

        Assert.Equal(TempoChains.MainnetChainId, await f.Client.GetChainIdAsync(Ct));
        f.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(TempoChains.MainnetChainId, await f.Client.GetChainIdAsync(Ct));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => f.Client.GetChainIdAsync(Ct)));

        Assert.Equal(1, f.Chain.CountOf("eth_chainId"));
        Assert.Equal(1, f.Chain.HttpRequestCount);
    }

    [Fact]
    public async Task Concurrent_first_calls_share_one_chain_id_request()
    {
        await using var f = await FakeChainFixture.StartAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => f.Client.GetChainIdAsync(Ct)));

        Assert.All(ids, id => Assert.Equal(TempoChains.TestnetChainId, id));
        Assert.Equal(1, f.Chain.CountOf("eth_chainId"));
    }

    [Fact]
    public async Task Transaction_count_is_the_protocol_nonce()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var address = TestPayer.NewAddress();

        Assert.Equal(0ul, await f.Client.GetTransactionCountAsync(address, "pending", Ct));

        var request = Assert.Single(f.Chain.Requests);
        Assert.Equal("eth_getTransactionCount", request.Method);
        Assert.Equal(address.ToLowerInvariant(), request.Params[0].GetString());
        Assert.Equal("pending", request.Params[1].GetString());
    }

    [Fact]
    public async Task Fee_data_is_one_batched_round_trip_and_cached_for_its_lifetime()
    {
        await using var f = await FakeChainFixture.StartAsync(options: new TempoRpcClientOptions { FeeDataLifetime = TimeSpan.FromSeconds(3) });
        f.Chain.BaseFeePerGas = 10_000_000_000;
        f.Chain.MaxPriorityFeePerGas = 2_000_000_000;

        var fees = await f.Client.GetFeeDataAsync(Ct);

        Assert.Equal(new BigInteger(10_000_000_000), fees.BaseFeePerGas);
        Assert.Equal(new BigInteger(2_000_000_000), fees.MaxPriorityFeePerGas);
        Assert.Equal(new BigInteger(14_000_000_000), fees.MaxFeePerGas); // 10 gwei × 1.2 + 2 gwei, as viem
        Assert.Equal(1, f.Chain.HttpRequestCount);
        Assert.Equal(["eth_maxPriorityFeePerGas", "eth_getBlockByNumber"], f.Chain.Requests.Select(r => r.Method));
        Assert.All(f.Chain.Requests, r => Assert.Equal(1, r.HttpRequest));
        var block = f.Chain.Requests[1].Params;
        Assert.Equal("latest", block[0].GetString());
        Assert.False(block[1].GetBoolean());

        f.Chain.BaseFeePerGas = 50_000_000_000;
        f.Time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Same(fees, await f.Client.GetFeeDataAsync(Ct));
        Assert.Equal(1, f.Chain.HttpRequestCount);

        f.Time.Advance(TimeSpan.FromSeconds(0.2));
        var refreshed = await f.Client.GetFeeDataAsync(Ct);
        Assert.Equal(new BigInteger(50_000_000_000), refreshed.BaseFeePerGas);
        Assert.Equal(2, f.Chain.HttpRequestCount);
    }

    [Fact]
    public async Task Steady_state_costs_at_most_one_round_trip_per_payment_besides_the_estimate()
    {
        await using var f = await FakeChainFixture.StartAsync();
        await f.Client.GetChainIdAsync(Ct);
        await f.Client.GetFeeDataAsync(Ct);
        var before = f.Chain.HttpRequestCount;

        for (var i = 0; i < 5; i++)
        {
            await f.Client.GetChainIdAsync(Ct);
            await f.Client.GetFeeDataAsync(Ct);
            f.Time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(before, f.Chain.HttpRequestCount);
    }

    [Fact]
    public async Task Estimate_gas_sends_the_tempo_request_shape()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.GasEstimate = 71_234;
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_500_000))], TestPayer.Memo());

        Assert.Equal(71_234ul, await f.Client.EstimateGasAsync(tx, key.Address, Ct));

        var request = Assert.Single(f.Chain.Requests).Params[0];
        Assert.Equal(key.Address.ToLowerInvariant(), request.GetProperty("from").GetString());
        Assert.Equal("0x76", request.GetProperty("type").GetString());
        Assert.Equal("0x" + new string('f', 64), request.GetProperty("nonceKey").GetString());
        Assert.Equal("0x0", request.GetProperty("nonce").GetString());
        Assert.Equal(RpcQuantity.Format(tx.ValidBefore!.Value), request.GetProperty("validBefore").GetString());
        Assert.Equal(TempoChains.PathUsd, request.GetProperty("feeToken").GetString());
        Assert.Equal("secp256k1", request.GetProperty("keyType").GetString());
        Assert.False(request.TryGetProperty("maxFeePerGas", out _));
        Assert.False(request.TryGetProperty("maxPriorityFeePerGas", out _));
        var call = Assert.Single(request.GetProperty("calls").EnumerateArray());
        Assert.Equal(TempoChains.PathUsd, call.GetProperty("to").GetString());
        Assert.Equal("0x0", call.GetProperty("value").GetString());
        Assert.Equal(Hex.Encode(tx.Calls[0].Input), call.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Send_raw_transaction_and_receipt_round_trip()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, 5_000_000);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_000_000))], TestPayer.Memo()).Sign(key);

        var hash = await f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct);
        var receipt = await f.Client.GetTransactionReceiptAsync(hash, Ct);

        Assert.Equal(signed.Hash, hash);
        Assert.NotNull(receipt);
        Assert.True(receipt.Succeeded);
        Assert.Equal(Hex.Encode(signed.Hash), receipt.TransactionHash);
        Assert.Equal(key.Address.ToLowerInvariant(), receipt.From);
        Assert.Equal(2, receipt.Logs.Count);
        Assert.Equal(Hex.Encode(signed.Bytes), f.Chain.Requests[0].Params[0].GetString());
    }

    [Fact]
    public async Task Unknown_receipt_is_null()
    {
        await using var f = await FakeChainFixture.StartAsync();

        Assert.Null(await f.Client.GetTransactionReceiptAsync(new byte[32], Ct));
    }

    [Fact]
    public async Task Json_rpc_error_is_typed_and_never_repeats_the_raw_transaction()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey(); // unfunded
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));

        Assert.Equal(-32000, e.Code);
        Assert.Equal("eth_sendRawTransaction", e.Method);
        Assert.Contains("insufficient balance", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(signed.Bytes), e.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_node_echoing_the_raw_transaction_in_its_error_is_redacted()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(TestPayer.NewKey());
        var raw = Hex.Encode(signed.Bytes);
        f.Chain.Hostile = async context =>
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body);
            var id = doc.RootElement.GetProperty("id").GetInt64();
            await context.Response.WriteAsJsonAsync(new { jsonrpc = "2.0", id, error = new { code = -32003, message = "rejected tx " + raw + "\n" + new string('x', 5000) } });
        };

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));

        Assert.Equal(-32003, e.Code);
        Assert.DoesNotContain(Convert.ToHexStringLower(signed.Bytes)[..80], e.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[redacted hex]", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 400);
    }

    [Fact]
    public async Task Http_failure_status_is_typed()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        var e = await Assert.ThrowsAsync<TempoRpcHttpException>(() => f.Client.GetChainIdAsync(Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
    }

    [Fact]
    public async Task Connection_refused_is_typed()
    {
        Uri endpoint;
        await using (var f = await FakeChainFixture.StartAsync())
        {
            endpoint = f.Chain.Endpoint;
        }

        using var http = new HttpClient();
        var client = new TempoRpcClient(http, endpoint, TimeProvider.System);

        var e = await Assert.ThrowsAsync<TempoRpcHttpException>(() => client.GetChainIdAsync(Ct));
        Assert.Null(e.StatusCode);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"12\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10000000000000000\"}")]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}]")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"nope\"}")]
    [InlineData("DEEP")]
    public async Task Garbage_answers_are_malformed(string body)
    {
        await using var f = await FakeChainFixture.StartAsync();
        if (body == "DEEP")
        {
            body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + new string('[', 5000) + new string(']', 5000) + "}";
        }

        f.Chain.Hostile = context => context.Response.WriteAsync(body);

        await Assert.ThrowsAsync<TempoRpcMalformedResponseException>(() => f.Client.GetChainIdAsync(Ct));
    }

    [Fact]
    public async Task Garbage_receipts_are_malformed()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = context => context.Response.WriteAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":\"0x12\",\"logs\":[],\"status\":\"0x1\",\"from\":\"0x00\",\"blockNumber\":\"0x1\"}}");

        await Assert.ThrowsAsync<TempoRpcMalformedResponseException>(() => f.Client.GetTransactionReceiptAsync(new byte[32], Ct));
    }

    [Fact]
    public async Task A_reverted_receipt_is_not_succeeded()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var hash = "0x" + new string('a', 64);
        f.Chain.Hostile = context => context.Response.WriteAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":\"" + hash + "\",\"logs\":[],\"status\":\"0x0\","
            + "\"from\":\"0x00000000000000000000000000000000000000aa\",\"blockNumber\":\"0x2a\"}}");

        var receipt = await f.Client.GetTransactionReceiptAsync(Hex.Decode(hash), Ct);

        Assert.NotNull(receipt);
        Assert.False(receipt.Succeeded);
        Assert.Equal(42ul, receipt.BlockNumber);
        Assert.Empty(receipt.Logs);
    }

    [Fact]
    public async Task A_batch_answer_missing_a_response_is_malformed()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = context => context.Response.WriteAsync("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}]");

        await Assert.ThrowsAsync<TempoRpcMalformedResponseException>(() => f.Client.GetFeeDataAsync(Ct));
    }

    [Fact]
    public async Task Huge_declared_body_is_refused_before_reading()
    {
        await using var f = await FakeChainFixture.StartAsync(options: new TempoRpcClientOptions { MaxResponseBytes = 4096 });
        f.Chain.Hostile = async context =>
        {
            context.Response.ContentLength = 10_000_000;
            await context.Response.Body.WriteAsync(new byte[1024]);
        };

        await Assert.ThrowsAsync<TempoRpcMalformedResponseException>(() => f.Client.GetChainIdAsync(Ct));
    }

    [Fact]
    public async Task Huge_streamed_body_is_cut_off()
    {
        await using var f = await FakeChainFixture.StartAsync(options: new TempoRpcClientOptions { MaxResponseBytes = 64 * 1024 });
        f.Chain.Hostile = async context =>
        {
            // A valid answer behind 8 MiB of leading whitespace, chunked (no Content-Length): only the bound refuses it.
            var chunk = new byte[16 * 1024];
            Array.Fill(chunk, (byte)' ');
            try
            {
                for (var i = 0; i < 512; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }

                await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}", context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The client stopped reading.
            }
        };

        var e = await Assert.ThrowsAsync<TempoRpcMalformedResponseException>(() => f.Client.GetChainIdAsync(Ct));
        Assert.Contains("larger than 65536 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_padded_answer_within_the_bound_is_read()
    {
        await using var f = await FakeChainFixture.StartAsync(options: new TempoRpcClientOptions { MaxResponseBytes = 64 * 1024 });
        f.Chain.Hostile = context => context.Response.WriteAsync(new string(' ', 32 * 1024) + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}");

        Assert.Equal(1ul, await f.Client.GetChainIdAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_fee_requests_share_one_round_trip()
    {
        await using var f = await FakeChainFixture.StartAsync();

        var all = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => f.Client.GetFeeDataAsync(Ct)));

        Assert.All(all, fees => Assert.Same(all[0], fees));
        Assert.Equal(1, f.Chain.HttpRequestCount);
    }

    [Fact]
    public async Task A_hanging_node_is_an_http_error_on_the_client_timeout()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var client = new TempoRpcClient(http, f.Chain.Endpoint, f.Time);

        var e = await Assert.ThrowsAsync<TempoRpcHttpException>(() => client.GetChainIdAsync(Ct));

        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_dripping_its_answer_hits_the_request_deadline()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = async context =>
        {
            try
            {
                await context.Response.WriteAsync("{", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                for (var i = 0; i < 300; i++)
                {
                    await Task.Delay(100, context.RequestAborted);
                    await context.Response.WriteAsync(" ", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The client gave up.
            }
        };
        var client = new TempoRpcClient(f.Http, f.Chain.Endpoint, f.Time, new TempoRpcClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });

        var call = client.GetChainIdAsync(Ct);
        await Task.Delay(300);
        Assert.False(call.IsCompleted);
        f.Time.Advance(TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<TempoRpcHttpException>(() => call);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_wrapped()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.Hostile = async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.Client.GetFeeDataAsync(cts.Token));
    }

    [Fact]
    public void Options_and_endpoint_are_validated()
    {
        using var http = new HttpClient();
        var endpoint = new Uri("https://rpc.example.com/");

        Assert.Throws<ArgumentOutOfRangeException>(() => new TempoRpcClient(http, endpoint, TimeProvider.System, new TempoRpcClientOptions { MaxResponseBytes = 0 }));
        Assert.Throws<ArgumentException>(() => new TempoRpcClient(http, new Uri("ftp://rpc.example.com/"), TimeProvider.System));
        Assert.Throws<ArgumentException>(() => new TempoRpcClient(http, new Uri("/relative", UriKind.Relative), TimeProvider.System));
    }

    [Fact]
    public void Sanitize_truncates_and_redacts()
    {
        var longHex = "0x" + new string('a', 300);
        var hash = "0x" + new string('b', 64);

        var text = TempoRpcClient.Sanitize($"bad {longHex} for {hash}");

        Assert.Equal($"bad [redacted hex] for {hash}", text);
        Assert.EndsWith("…", TempoRpcClient.Sanitize(new string('z', 1000)), StringComparison.Ordinal);
        Assert.Equal("(no message)", TempoRpcClient.Sanitize(null));
    }
}
