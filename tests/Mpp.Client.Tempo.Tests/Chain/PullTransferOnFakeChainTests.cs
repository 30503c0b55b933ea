using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Chain;

/// <summary>
/// Pull-mode transfers built with TempoTransaction, Tip20Calls and AttributionMemo, signed with generated keys and sent
/// to the fake chain through TempoRpcClient: what the chain accepts, what it refuses, and the logs it emits.
/// </summary>
public sealed class PullTransferOnFakeChainTests
{
    private static readonly BigInteger Funds = 10_000_000;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Signed_pull_transfer_is_accepted_balances_move_and_logs_carry_the_memo()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        var memo = TestPayer.Memo("challenge-1");
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_250_000))], memo).Sign(key);

        var hash = await f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct);
        var receipt = await f.Client.GetTransactionReceiptAsync(hash, Ct);

        Assert.Equal(Funds - 1_250_000, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
        Assert.Equal(new BigInteger(1_250_000), f.Chain.BalanceOf(TempoChains.PathUsd, payee));
        Assert.NotNull(receipt);
        Assert.True(receipt.Succeeded);
        Assert.Collection(
            receipt.Logs,
            transfer =>
            {
                Assert.Equal(TempoChains.PathUsd, transfer.Address);
                Assert.Equal([FakeTempoChain.TransferTopic, Word(key.Address), Word(payee)], transfer.Topics);
                Assert.Equal(new BigInteger(1_250_000), new BigInteger(transfer.Data, isUnsigned: true, isBigEndian: true));
                Assert.Equal(0ul, transfer.LogIndex);
            },
            withMemo =>
            {
                Assert.Equal(TempoChains.PathUsd, withMemo.Address);
                Assert.Equal([FakeTempoChain.TransferWithMemoTopic, Word(key.Address), Word(payee), Hex.Encode(memo)], withMemo.Topics);
                Assert.Equal(new BigInteger(1_250_000), new BigInteger(withMemo.Data, isUnsigned: true, isBigEndian: true));
                Assert.Equal(1ul, withMemo.LogIndex);
            });
    }

    [Fact]
    public void Event_topics_are_the_tip20_signatures()
    {
        Assert.Equal("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", FakeTempoChain.TransferTopic);
        Assert.Equal(Hex.Encode(Keccak.Hash("TransferWithMemo(address,address,uint256,bytes32)")), FakeTempoChain.TransferWithMemoTopic);
    }

    [Fact]
    public async Task Split_payment_moves_every_share_with_paired_logs()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var (a, b) = (TestPayer.NewAddress(), TestPayer.NewAddress());
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(a, new BigInteger(700_000)), (b, new BigInteger(300_000))], TestPayer.Memo()).Sign(key);

        var receipt = await f.Client.GetTransactionReceiptAsync(await f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct), Ct);

        Assert.Equal(new BigInteger(700_000), f.Chain.BalanceOf(TempoChains.PathUsd, a));
        Assert.Equal(new BigInteger(300_000), f.Chain.BalanceOf(TempoChains.PathUsd, b));
        Assert.Equal(Funds - 1_000_000, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
        Assert.Equal(
            [FakeTempoChain.TransferTopic, FakeTempoChain.TransferWithMemoTopic, FakeTempoChain.TransferTopic, FakeTempoChain.TransferWithMemoTopic],
            receipt!.Logs.Select(l => l.Topics[0]));
        Assert.Equal([0ul, 1ul, 2ul, 3ul], receipt.Logs.Select(l => l.LogIndex));
    }

    [Fact]
    public async Task Tampered_amount_recovers_another_sender_and_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_000_000))], TestPayer.Memo());
        var signed = tx.Sign(key);

        // Re-encode the same signature over a larger amount: the signature now recovers some other (unfunded) address.
        var forged = new TempoTransaction
        {
            ChainId = tx.ChainId,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            MaxFeePerGas = tx.MaxFeePerGas,
            Gas = tx.Gas,
            Calls = [Tip20Calls.TransferWithMemo(TempoChains.PathUsd, payee, 9_000_000, TestPayer.Memo())],
            NonceKey = tx.NonceKey,
            Nonce = tx.Nonce,
            ValidBefore = tx.ValidBefore,
            FeeToken = tx.FeeToken,
        }.Encode(signed.Signature);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(forged, Ct));

        Assert.Contains("insufficient balance", e.RpcMessage, StringComparison.Ordinal);
        Assert.Equal(Funds, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
        Assert.Equal(BigInteger.Zero, f.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task Tampered_bytes_are_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var raw = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), new BigInteger(1_000_000))], TestPayer.Memo()).Sign(key).Bytes.ToArray();

        foreach (var index in new[] { 1, 5, raw.Length / 2, raw.Length - 40, raw.Length - 1 })
        {
            var copy = (byte[])raw.Clone();
            copy[index] ^= 0x01;
            await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(copy, Ct));
        }

        Assert.Equal(Funds, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
        Assert.Equal(0, f.Chain.CountOf("eth_getTransactionReceipt"));
    }

    [Fact]
    public async Task Expired_valid_before_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(key);

        f.Time.Advance(TempoNonce.DefaultLifetime);
        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));

        Assert.Contains("expired", e.RpcMessage, StringComparison.Ordinal);
        Assert.Equal(Funds, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
    }

    [Fact]
    public async Task Just_before_valid_before_is_accepted()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(key);

        f.Time.Advance(TempoNonce.DefaultLifetime - TimeSpan.FromSeconds(1));

        Assert.Equal(signed.Hash, await f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));
    }

    [Fact]
    public async Task Valid_before_beyond_the_expiring_window_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo());
        var far = new TempoTransaction
        {
            ChainId = tx.ChainId,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            MaxFeePerGas = tx.MaxFeePerGas,
            Gas = tx.Gas,
            Calls = tx.Calls,
            NonceKey = tx.NonceKey,
            ValidBefore = (ulong)f.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds(),
            FeeToken = tx.FeeToken,
        }.Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(far.Bytes.ToArray(), Ct));
        Assert.Contains("too far", e.RpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_chain_id_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync(TempoChains.TestnetChainId);
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), TempoChains.MainnetChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));

        Assert.Contains("chain id", e.RpcMessage, StringComparison.Ordinal);
        Assert.Equal(Funds, f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
    }

    [Fact]
    public async Task Replayed_transaction_is_refused_and_pays_once()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var raw = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_000_000))], TestPayer.Memo()).Sign(key).Bytes.ToArray();

        await f.Client.SendRawTransactionAsync(raw, Ct);
        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(raw, Ct));

        Assert.Contains("already known", e.RpcMessage, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(1_000_000), f.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task Insufficient_balance_is_refused_atomically()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var (a, b) = (TestPayer.NewAddress(), TestPayer.NewAddress());
        f.Chain.Fund(TempoChains.PathUsd, key.Address, 1_000_000);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(a, new BigInteger(600_000)), (b, new BigInteger(600_000))], TestPayer.Memo()).Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));

        Assert.Contains("insufficient balance", e.RpcMessage, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(1_000_000), f.Chain.BalanceOf(TempoChains.PathUsd, key.Address));
        Assert.Equal(BigInteger.Zero, f.Chain.BalanceOf(TempoChains.PathUsd, a));
    }

    [Fact]
    public async Task Unknown_token_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        const string other = "0x20c0000000000000000000000000000000000001";
        f.Chain.Fund(other, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo(), other).Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));
        Assert.Contains("known TIP-20 token", e.RpcMessage, StringComparison.Ordinal);

        f.Chain.AddToken(other);
        Assert.Equal(signed.Hash, await f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));
    }

    [Fact]
    public async Task Fee_cap_below_the_base_fee_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        f.Chain.BaseFeePerGas = 30_000_000_000; // the sample caps at 20 gwei
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));
        Assert.Contains("base fee", e.RpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsponsored_fee_payer_intent_and_handoff_form_are_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo());
        var sponsored = new TempoTransaction
        {
            ChainId = tx.ChainId,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            MaxFeePerGas = tx.MaxFeePerGas,
            Gas = tx.Gas,
            Calls = tx.Calls,
            NonceKey = tx.NonceKey,
            ValidBefore = tx.ValidBefore,
            FeePayer = true,
        };
        var signed = sponsored.Sign(key);

        var intent = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(signed.Bytes.ToArray(), Ct));
        Assert.Contains("fee payer", intent.RpcMessage, StringComparison.Ordinal);
        var handoff = sponsored.EncodeFeePayerHandoff(signed.Signature, key.Address);
        var form = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(handoff, Ct));
        Assert.Contains("type not supported", form.RpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protocol_nonce_lane_uses_the_transaction_count()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);

        TempoTransaction Next(ulong nonce) => new()
        {
            ChainId = f.Chain.ChainId,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 20_000_000_000,
            Gas = 65_000,
            Calls = [Tip20Calls.TransferWithMemo(TempoChains.PathUsd, TestPayer.NewAddress(), 1, TestPayer.Memo())],
            NonceKey = 0,
            Nonce = nonce,
        };

        var first = await f.Client.GetTransactionCountAsync(key.Address, "pending", Ct);
        await f.Client.SendRawTransactionAsync(Next(first).Sign(key).Bytes.ToArray(), Ct);
        var second = await f.Client.GetTransactionCountAsync(key.Address, "pending", Ct);

        Assert.Equal(0ul, first);
        Assert.Equal(1ul, second);
        var stale = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(Next(first).Sign(key).Bytes.ToArray(), Ct));
        Assert.Contains("nonce too low", stale.RpcMessage, StringComparison.Ordinal);
        var gap = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(Next(5).Sign(key).Bytes.ToArray(), Ct));
        Assert.Contains("nonce too high", gap.RpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_with_send_then_receipt_reuses_the_cached_chain_id_and_fees()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);

        async Task<TempoTransactionReceipt?> PayAsync(string challengeId)
        {
            var chainId = await f.Client.GetChainIdAsync(Ct);
            var fees = await f.Client.GetFeeDataAsync(Ct);
            var draft = TestPayer.PullTransfer(f.Time.GetUtcNow(), chainId, [(payee, new BigInteger(100_000))], TestPayer.Memo(challengeId));
            var gas = await f.Client.EstimateGasAsync(draft, key.Address, Ct) + 5_000; // mppx 0.11.0's margin
            var tx = new TempoTransaction
            {
                ChainId = chainId,
                MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
                MaxFeePerGas = fees.MaxFeePerGas,
                Gas = gas,
                Calls = draft.Calls,
                NonceKey = draft.NonceKey,
                ValidBefore = draft.ValidBefore,
                FeeToken = draft.FeeToken,
            };
            var hash = await f.Client.SendRawTransactionAsync(tx.Sign(key).Bytes.ToArray(), Ct);
            return await f.Client.GetTransactionReceiptAsync(hash, Ct);
        }

        Assert.True((await PayAsync("c-1"))!.Succeeded);
        var before = f.Chain.HttpRequestCount;
        f.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await PayAsync("c-2");

        Assert.Equal(Hex.Encode(TestPayer.Memo("c-2")), second!.Logs[1].Topics[3]);
        Assert.Equal(3, f.Chain.HttpRequestCount - before); // estimate, send, receipt: chain id and fees came from the caches
        Assert.Equal(new BigInteger(200_000), f.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task Push_with_send_sync_is_estimate_plus_one_round_trip_in_steady_state()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);

        async Task<TempoTransactionReceipt> PayAsync(string challengeId)
        {
            var chainId = await f.Client.GetChainIdAsync(Ct);
            var fees = await f.Client.GetFeeDataAsync(Ct);
            var draft = TestPayer.PullTransfer(f.Time.GetUtcNow(), chainId, [(payee, new BigInteger(100_000))], TestPayer.Memo(challengeId));
            var tx = new TempoTransaction
            {
                ChainId = chainId,
                MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
                MaxFeePerGas = fees.MaxFeePerGas,
                Gas = await f.Client.EstimateGasAsync(draft, key.Address, Ct) + 5_000,
                Calls = draft.Calls,
                NonceKey = draft.NonceKey,
                ValidBefore = draft.ValidBefore,
                FeeToken = draft.FeeToken,
            };
            return await f.Client.SendRawTransactionSyncAsync(tx.Sign(key).Bytes.ToArray(), TimeSpan.FromSeconds(5), Ct);
        }

        await PayAsync("c-1");
        var before = f.Chain.HttpRequestCount;
        var receipt = await PayAsync("c-2");

        Assert.True(receipt.Succeeded);
        Assert.Equal(Hex.Encode(TestPayer.Memo("c-2")), receipt.Logs[1].Topics[3]);
        Assert.Equal(2, f.Chain.HttpRequestCount - before);
        var sync = f.Chain.Requests[^1];
        Assert.Equal("eth_sendRawTransactionSync", sync.Method);
        Assert.Equal(5000, sync.Params[1].GetInt64());
    }

    [Fact]
    public async Task Send_sync_refusal_is_a_typed_error()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var signed = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo()).Sign(TestPayer.NewKey());

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionSyncAsync(signed.Bytes.ToArray(), null, Ct));

        Assert.Equal("eth_sendRawTransactionSync", e.Method);
        Assert.Single(f.Chain.Requests[0].Params.EnumerateArray());
    }

    [Fact]
    public async Task Identical_expiring_transfers_share_a_hash_so_the_second_is_a_replay_unless_valid_after_differs()
    {
        // Expiring nonces are all nonce 0: two payments with the same calls, fees and validBefore are the same bytes.
        // viem 2.57 fills a random past validAfter for expiring nonces (tempo/chainConfig.js randomValidAfter) — one way
        // to keep them apart; a memo that differs per challenge is another.
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        var payee = TestPayer.NewAddress();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(payee, new BigInteger(1_000))], TestPayer.Memo("same"));

        await f.Client.SendRawTransactionAsync(tx.Sign(key).Bytes.ToArray(), Ct);
        await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(tx.Sign(key).Bytes.ToArray(), Ct));

        var now = (ulong)f.Time.GetUtcNow().ToUnixTimeSeconds();
        var distinct = new TempoTransaction
        {
            ChainId = tx.ChainId,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            MaxFeePerGas = tx.MaxFeePerGas,
            Gas = tx.Gas,
            Calls = tx.Calls,
            NonceKey = tx.NonceKey,
            ValidBefore = tx.ValidBefore,
            ValidAfter = now - 12_345,
            FeeToken = tx.FeeToken,
        };
        await f.Client.SendRawTransactionAsync(distinct.Sign(key).Bytes.ToArray(), Ct);
        Assert.Equal(new BigInteger(2_000), f.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task Valid_after_in_the_future_is_refused()
    {
        await using var f = await FakeChainFixture.StartAsync();
        var key = TestPayer.NewKey();
        f.Chain.Fund(TempoChains.PathUsd, key.Address, Funds);
        var tx = TestPayer.PullTransfer(f.Time.GetUtcNow(), f.Chain.ChainId, [(TestPayer.NewAddress(), BigInteger.One)], TestPayer.Memo());
        var early = new TempoTransaction
        {
            ChainId = tx.ChainId,
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas,
            MaxFeePerGas = tx.MaxFeePerGas,
            Gas = tx.Gas,
            Calls = tx.Calls,
            NonceKey = tx.NonceKey,
            ValidBefore = tx.ValidBefore,
            ValidAfter = tx.ValidBefore - 5,
            FeeToken = tx.FeeToken,
        }.Sign(key);

        var e = await Assert.ThrowsAsync<TempoRpcErrorException>(() => f.Client.SendRawTransactionAsync(early.Bytes.ToArray(), Ct));
        Assert.Contains("validAfter", e.RpcMessage, StringComparison.Ordinal);
    }

    private static string Word(string address) => "0x" + new string('0', 24) + address[2..].ToLowerInvariant();
}
