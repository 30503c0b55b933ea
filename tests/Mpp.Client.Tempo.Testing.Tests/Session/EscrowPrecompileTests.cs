using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Testing.Tests.Support;

namespace Mpp.Client.Tempo.Testing.Tests.Session;

/// <summary>
/// The fake chain's TIP-1034 escrow precompile driven by real signed transactions and calldata the test encodes itself:
/// what it applies (deposit pulled into escrow, payee paid the delta, payer refunded the rest, the node's events and
/// views) and everything it refuses — a refused call mines the transaction as reverted and changes nothing.
/// </summary>
public sealed class EscrowPrecompileTests
{
    [Fact]
    public async Task Open_pulls_the_deposit_into_escrow_under_the_id_derived_from_the_open_transaction()
    {
        await using var h = await EscrowHarness.StartAsync();

        var (descriptor, channelId, receipt) = await h.OpenAsync(1_000_000);

        Assert.Equal("0x1", (string?)receipt["status"]);
        var channel = h.Chain.GetChannel(channelId)!;
        Assert.Equal((h.Payer.Address.ToLowerInvariant(), h.Payee.Address.ToLowerInvariant(), new BigInteger(1_000_000), BigInteger.Zero, false),
            (channel.Payer, channel.Payee, channel.Deposit, channel.Settled, channel.IsClosed));
        Assert.Equal(descriptor.ExpiringNonceHash, channel.ExpiringNonceHash);
        Assert.Equal(new BigInteger(1_000_000), h.Balance(FakeTempoChain.ChannelEscrow));
        Assert.Equal(EscrowHarness.Funds - 1_000_000, h.Balance(h.Payer.Address));
        Assert.Equal((BigInteger.Zero, new BigInteger(1_000_000), BigInteger.Zero), await h.StateAsync(channelId));

        // Logs: the token's Transfer (payer -> escrow), then ChannelOpened(channelId, payer, payee) with the deposit last.
        var logs = receipt["logs"]!.AsArray();
        Assert.Equal(2, logs.Count);
        Assert.All(logs, l => Assert.Equal((string?)receipt["blockNumber"], (string?)l!["blockNumber"]));
        Assert.Equal(FakeTempoChain.TransferTopic, (string?)logs[0]!["topics"]![0]);
        var opened = logs[1]!;
        Assert.Equal(FakeTempoChain.ChannelEscrow, (string?)opened["address"]);
        Assert.Equal(Hex.Encode(Keccak.Hash("ChannelOpened(bytes32,address,address,address,address,address,bytes32,bytes32,uint96)")), (string?)opened["topics"]![0]);
        Assert.Equal(channelId, (string?)opened["topics"]![1]);
        var data = Hex.Decode((string)opened["data"]!);
        Assert.Equal(descriptor.ExpiringNonceHash, Hex.Encode(data.AsSpan(4 * 32, 32)));
        Assert.Equal(new BigInteger(1_000_000), EscrowHarness.Word(data, 5));

        // The views agree: computeChannelId and getChannel(descriptor).
        var computed = await h.CallAsync(EscrowHarness.Encode("computeChannelId(address,address,address,address,bytes32,address,bytes32)", descriptor.Words()));
        Assert.Equal(channelId, Hex.Encode(computed));
        var full = await h.CallAsync(EscrowHarness.Encode("getChannel((address,address,address,address,bytes32,address,bytes32))", descriptor.Words()));
        Assert.Equal(10 * 32, full.Length);
        Assert.Equal(new BigInteger(1_000_000), EscrowHarness.Word(full, 8));
    }

    [Fact]
    public async Task Settle_then_close_pays_the_payee_what_was_signed_and_refunds_the_payer_the_rest()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);

        var (_, settled) = await h.SendAsync(h.Payee, EscrowHarness.Settle(d, 300_000, h.Voucher(h.Payer, id, 300_000)));
        var (_, closed) = await h.SendAsync(h.Payee, EscrowHarness.Close(d, 450_000, 420_000, h.Voucher(h.Payer, id, 450_000)));

        Assert.Equal(("0x1", "0x1"), ((string?)settled["status"], (string?)closed["status"]));
        var channel = h.Chain.GetChannel(id)!;
        Assert.Equal((true, new BigInteger(420_000), new BigInteger(580_000), BigInteger.Zero),
            (channel.IsClosed, channel.Settled, channel.RefundedToPayer, channel.Escrowed));
        Assert.Equal(new BigInteger(420_000), h.Balance(h.Payee.Address));
        Assert.Equal(EscrowHarness.Funds - 420_000, h.Balance(h.Payer.Address));
        Assert.Equal(BigInteger.Zero, h.Balance(FakeTempoChain.ChannelEscrow));
        Assert.Equal((BigInteger.Zero, BigInteger.Zero, BigInteger.Zero), await h.StateAsync(id)); // the node deletes it

        var closedLog = closed["logs"]!.AsArray().Last()!;
        Assert.Equal(Hex.Encode(Keccak.Hash("ChannelClosed(bytes32,address,address,uint96,uint96)")), (string?)closedLog["topics"]![0]);
        var data = Hex.Decode((string)closedLog["data"]!);
        Assert.Equal((new BigInteger(420_000), new BigInteger(580_000)), (EscrowHarness.Word(data, 0), EscrowHarness.Word(data, 1)));
    }

    [Fact]
    public async Task A_voucher_signed_by_anyone_but_the_payer_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);

        var receipt = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 100, h.Voucher(VerifierHarness.NewKey(), id, 100)));

        Assert.Equal("InvalidSignature", (string?)receipt["revertReason"]);
        Assert.Equal(BigInteger.Zero, h.Balance(h.Payee.Address));
    }

    [Fact]
    public async Task A_high_s_twin_of_a_valid_voucher_signature_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        var valid = h.Voucher(h.Payer, id, 100);
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var highS = EscrowHarness.Uint(n - new BigInteger(valid.AsSpan(32, 32), isUnsigned: true, isBigEndian: true));
        byte[] twin = [.. valid.AsSpan(0, 32), .. highS, (byte)(valid[64] == 27 ? 28 : 27)]; // recovers the same signer

        var receipt = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 100, twin));
        var (_, accepted) = await h.SendAsync(h.Payee, EscrowHarness.Settle(d, 100, valid));

        Assert.Equal(("InvalidSignature", "0x1"), ((string?)receipt["revertReason"], (string?)accepted["status"]));
    }

    [Fact]
    public async Task A_voucher_for_another_amount_than_the_one_claimed_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);

        var receipt = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 200, h.Voucher(h.Payer, id, 100)));

        Assert.Equal("InvalidSignature", (string?)receipt["revertReason"]);
    }

    [Fact]
    public async Task An_authorized_signer_replaces_the_payer_as_voucher_signer()
    {
        await using var h = await EscrowHarness.StartAsync();
        var delegated = VerifierHarness.NewKey();
        var (d, id, _) = await h.OpenAsync(1_000_000, delegated.Address);

        var byPayer = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 100, h.Voucher(h.Payer, id, 100)));
        var (_, byDelegate) = await h.SendAsync(h.Payee, EscrowHarness.Settle(d, 100, h.Voucher(delegated, id, 100)));

        Assert.Equal(("InvalidSignature", "0x1"), ((string?)byPayer["revertReason"], (string?)byDelegate["status"]));
        Assert.Equal(new BigInteger(100), h.Chain.GetChannel(id)!.Settled);
    }

    [Fact]
    public async Task A_cumulative_amount_above_the_deposit_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);

        var settle = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 1_000_001, h.Voucher(h.Payer, id, 1_000_001)));
        var close = await RefusedAsync(h, id, h.Payee, EscrowHarness.Close(d, 1_000_001, 1_000_001, h.Voucher(h.Payer, id, 1_000_001)));

        Assert.Equal(("AmountExceedsDeposit", "AmountExceedsDeposit"), ((string?)settle["revertReason"], (string?)close["revertReason"]));
    }

    [Fact]
    public async Task Settling_no_more_than_already_settled_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        await h.SendAsync(h.Payee, EscrowHarness.Settle(d, 500, h.Voucher(h.Payer, id, 500)));

        var again = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 500, h.Voucher(h.Payer, id, 500)));
        var lower = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 400, h.Voucher(h.Payer, id, 400)));
        var captureBelowSettled = await RefusedAsync(h, id, h.Payee, EscrowHarness.Close(d, 600, 400, h.Voucher(h.Payer, id, 600)));

        Assert.Equal(("AmountNotIncreasing", "AmountNotIncreasing", "CaptureAmountInvalid"),
            ((string?)again["revertReason"], (string?)lower["revertReason"], (string?)captureBelowSettled["revertReason"]));
        Assert.Equal(new BigInteger(500), h.Balance(h.Payee.Address));
    }

    [Fact]
    public async Task Only_the_payee_settles_or_closes_and_only_the_payer_tops_up_requests_close_or_withdraws()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        var voucher = h.Voucher(h.Payer, id, 100);

        var settleByPayer = await RefusedAsync(h, id, h.Payer, EscrowHarness.Settle(d, 100, voucher));
        var closeByStranger = await RefusedAsync(h, id, VerifierHarness.NewKey(), EscrowHarness.Close(d, 100, 100, voucher));
        var topUpByPayee = await RefusedAsync(h, id, h.Payee, EscrowHarness.TopUp(d, 10));
        var requestCloseByPayee = await RefusedAsync(h, id, h.Payee, EscrowHarness.RequestClose(d));

        Assert.Equal(("NotPayeeOrOperator", "NotPayeeOrOperator", "NotPayer", "NotPayer"),
            ((string?)settleByPayer["revertReason"], (string?)closeByStranger["revertReason"], (string?)topUpByPayee["revertReason"],
                (string?)requestCloseByPayee["revertReason"]));
    }

    [Fact]
    public async Task A_closed_channel_refuses_everything_and_reads_as_empty()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        await h.SendAsync(h.Payee, EscrowHarness.Close(d, 100, 100, h.Voucher(h.Payer, id, 100)));

        var settle = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 200, h.Voucher(h.Payer, id, 200)));
        var topUp = await RefusedAsync(h, id, h.Payer, EscrowHarness.TopUp(d, 10));
        var close = await RefusedAsync(h, id, h.Payee, EscrowHarness.Close(d, 200, 200, h.Voucher(h.Payer, id, 200)));

        Assert.All([settle, topUp, close], r => Assert.Equal("ChannelNotFound", (string?)r["revertReason"]));
        Assert.Equal(new BigInteger(100), h.Balance(h.Payee.Address));
        Assert.Equal(EscrowHarness.Funds - 100, h.Balance(h.Payer.Address));
    }

    [Fact]
    public async Task TopUp_adds_to_the_deposit_and_cancels_a_close_request()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        await h.SendAsync(h.Payer, EscrowHarness.RequestClose(d));
        Assert.NotNull(h.Chain.GetChannel(id)!.CloseRequestedAt);

        var (_, receipt) = await h.SendAsync(h.Payer, EscrowHarness.TopUp(d, 250_000));

        Assert.Equal("0x1", (string?)receipt["status"]);
        var channel = h.Chain.GetChannel(id)!;
        Assert.Equal((new BigInteger(1_250_000), (DateTimeOffset?)null), (channel.Deposit, channel.CloseRequestedAt));
        Assert.Equal((BigInteger.Zero, new BigInteger(1_250_000), BigInteger.Zero), await h.StateAsync(id));
        var topics = receipt["logs"]!.AsArray().Select(l => (string?)l!["topics"]![0]).ToList();
        Assert.Equal([FakeTempoChain.TransferTopic, Hex.Encode(Keccak.Hash("CloseRequestCancelled(bytes32,address,address)")),
            Hex.Encode(Keccak.Hash("TopUp(bytes32,address,address,uint96,uint96)"))], topics);
    }

    [Fact]
    public async Task The_payer_withdraws_only_after_the_close_grace_period()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        await h.SendAsync(h.Payee, EscrowHarness.Settle(d, 300, h.Voucher(h.Payer, id, 300)));
        await h.SendAsync(h.Payer, EscrowHarness.RequestClose(d));

        h.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var early = await RefusedAsync(h, id, h.Payer, EscrowHarness.Withdraw(d));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var (_, withdrawn) = await h.SendAsync(h.Payer, EscrowHarness.Withdraw(d));

        Assert.Equal(("CloseNotReady", "0x1"), ((string?)early["revertReason"], (string?)withdrawn["status"]));
        Assert.Equal((true, new BigInteger(999_700)), (h.Chain.GetChannel(id)!.IsClosed, h.Chain.GetChannel(id)!.RefundedToPayer));
        Assert.Equal(EscrowHarness.Funds - 300, h.Balance(h.Payer.Address));
    }

    [Fact]
    public async Task An_open_the_payer_cannot_fund_or_with_a_zero_deposit_or_unknown_token_reverts_and_opens_nothing()
    {
        await using var h = await EscrowHarness.StartAsync();
        var open = "open(address,address,address,uint96,bytes32,address)";
        byte[] Open(string token, BigInteger deposit) => EscrowHarness.Encode(open, EscrowHarness.Addr(h.Payee.Address),
            EscrowHarness.Addr(EscrowHarness.Zero), EscrowHarness.Addr(token), EscrowHarness.Uint(deposit), new byte[32], EscrowHarness.Addr(EscrowHarness.Zero));

        var (_, tooMuch) = await h.SendAsync(h.Payer, Open(FakeTempoChain.PathUsd, EscrowHarness.Funds + 1));
        var (_, zero) = await h.SendAsync(h.Payer, Open(FakeTempoChain.PathUsd, 0));
        var (_, unknown) = await h.SendAsync(h.Payer, Open("0x20c0000000000000000000000000000000000777", 10));
        var (_, twice) = await h.SendAsync(h.Payer, Open(FakeTempoChain.PathUsd, 10), Open(FakeTempoChain.PathUsd, 10));

        Assert.Equal(("InsufficientBalance", "ZeroDeposit", "InvalidToken", "ChannelAlreadyExists"),
            ((string?)tooMuch["revertReason"], (string?)zero["revertReason"], (string?)unknown["revertReason"], (string?)twice["revertReason"]));
        Assert.All([tooMuch, zero, unknown, twice], r => Assert.Equal(("0x0", 0), ((string?)r["status"], r["logs"]!.AsArray().Count)));
        Assert.Empty(h.Chain.Channels);
        Assert.Equal(new BigInteger(EscrowHarness.Funds), h.Balance(h.Payer.Address));
    }

    [Fact]
    public async Task Malformed_calldata_reverts()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000);
        var settle = EscrowHarness.Settle(d, 10, h.Voucher(h.Payer, id, 10));
        settle[4 + 11] = 1; // a high byte of the payer address word

        var truncated = await RefusedAsync(h, id, h.Payee, EscrowHarness.Settle(d, 10, h.Voucher(h.Payer, id, 10))[..100]);
        var dirty = await RefusedAsync(h, id, h.Payee, settle);
        var unknownSelector = await RefusedAsync(h, id, h.Payee, [0xde, 0xad, 0xbe, 0xef]);

        Assert.Equal(("MalformedCalldata", "MalformedCalldata", "UnknownFunctionSelector"),
            ((string?)truncated["revertReason"], (string?)dirty["revertReason"], (string?)unknownSelector["revertReason"]));
    }

    [Fact]
    public async Task A_simulated_call_that_would_revert_answers_an_execution_error_and_changes_nothing()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            h.CallAsync(EscrowHarness.Settle(d, 100, h.Voucher(VerifierHarness.NewKey(), id, 100)), h.Payee.Address));
        var accepted = await h.CallAsync(EscrowHarness.Settle(d, 100, h.Voucher(h.Payer, id, 100)), h.Payee.Address);

        Assert.Contains("InvalidSignature", refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"code\":3", refused.Message, StringComparison.Ordinal);
        Assert.Empty(accepted);
        Assert.Equal(BigInteger.Zero, h.Chain.GetChannel(id)!.Settled);
    }

    [Fact]
    public async Task A_gas_estimate_for_escrow_calls_that_would_revert_is_refused()
    {
        await using var h = await EscrowHarness.StartAsync();
        var (d, id, _) = await h.OpenAsync(1_000_000);
        JsonObject Request(byte[] data) => new()
        {
            ["from"] = h.Payee.Address,
            ["type"] = "0x76",
            ["calls"] = new JsonArray(new JsonObject { ["to"] = FakeTempoChain.ChannelEscrow, ["data"] = Hex.Encode(data), ["value"] = "0x" }),
        };

        var refused = await h.RpcAsync("eth_estimateGas", Request(EscrowHarness.Close(d, 100, 100, h.Voucher(VerifierHarness.NewKey(), id, 100))));
        var estimated = await h.RpcAsync("eth_estimateGas", Request(EscrowHarness.Close(d, 100, 100, h.Voucher(h.Payer, id, 100))));

        Assert.Equal(3, (int)refused["error"]!["code"]!);
        Assert.Contains("InvalidSignature", (string?)refused["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal("0xea60", (string?)estimated["result"]);
        Assert.False(h.Chain.GetChannel(id)!.IsClosed);
    }

    /// <summary>Sends a transaction the escrow must refuse: mined as reverted, no logs, channel and balances untouched.</summary>
    private static async Task<JsonObject> RefusedAsync(EscrowHarness h, string channelId, Keys.TempoPrivateKey sender, byte[] call)
    {
        var before = (h.Chain.GetChannel(channelId), h.Balance(h.Payer.Address), h.Balance(h.Payee.Address), h.Balance(FakeTempoChain.ChannelEscrow));
        var (_, receipt) = await h.SendAsync(sender, call);
        Assert.Equal("0x0", (string?)receipt["status"]);
        Assert.Empty(receipt["logs"]!.AsArray());
        Assert.Equal(before, (h.Chain.GetChannel(channelId), h.Balance(h.Payer.Address), h.Balance(h.Payee.Address), h.Balance(FakeTempoChain.ChannelEscrow)));
        return receipt;
    }
}
