using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Transactions;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class SessionTransactionsTests
{
    [Fact]
    public async Task An_open_is_one_escrow_call_with_an_expiring_nonce_and_the_token_as_fee_token()
    {
        var tx = SessionTransactions.BuildOpen(ChainId, Escrow, Open(10_000_000), Fees, feeToken: null, feePayer: false);
        Assert.Equal(Escrow, Assert.Single(tx.Calls).To);
        Assert.Equal(TempoNonce.ExpiringKey, tx.NonceKey);
        Assert.Equal(0UL, tx.Nonce);
        Assert.Equal(TempoChains.PathUsd, tx.FeeToken);
        Assert.Equal((Fees.ValidBefore, Fees.ValidAfter), (tx.ValidBefore!.Value, tx.ValidAfter));

        var signed = await SessionTransactions.SignOpenAsync(Signer, tx, Escrow, CancellationToken.None);
        Assert.Equal(Payer, signed.Descriptor.Payer);
        Assert.Equal(Payer, signed.Sender);
        Assert.Equal(signed.ExpiringNonceHash, signed.Descriptor.ExpiringNonceHash);
        Assert.Equal(signed.Descriptor.ComputeChannelId(Escrow, ChainId), signed.ChannelId);
        Assert.StartsWith("0x76", signed.TransactionHex, StringComparison.Ordinal);
        var decoded = TempoTransactionDecoder.Decode(Hex.Decode(signed.TransactionHex));
        Assert.NotNull(decoded);
    }

    [Fact]
    public async Task The_expiring_nonce_hash_depends_on_the_sender_and_on_every_signed_field()
    {
        var tx = SessionTransactions.BuildOpen(ChainId, Escrow, Open(10), Fees, null, false);
        var hash = SessionTransactions.ComputeExpiringNonceHash(tx, Payer);
        Assert.NotEqual(hash, SessionTransactions.ComputeExpiringNonceHash(tx, Payee));
        Assert.NotEqual(hash, SessionTransactions.ComputeExpiringNonceHash(SessionTransactions.BuildOpen(ChainId, Escrow, Open(10), Fees with { ValidAfter = 1 }, null, false), Payer));
        Assert.NotEqual(hash, SessionTransactions.ComputeExpiringNonceHash(SessionTransactions.BuildOpen(ChainId, Escrow, Open(11), Fees, null, false), Payer));
        // Equal inputs, equal hash: it is a pure function of the signed bytes and the sender.
        Assert.Equal(hash, SessionTransactions.ComputeExpiringNonceHash(SessionTransactions.BuildOpen(ChainId, Escrow, Open(10), Fees, null, false), Payer));

        var signed = await SessionTransactions.SignOpenAsync(Signer, tx, Escrow, CancellationToken.None);
        Assert.Equal(hash, signed.ExpiringNonceHash);
    }

    [Fact]
    public async Task A_sponsored_open_leaves_the_fee_token_out_of_the_signed_bytes_and_sends_the_fee_payer_form()
    {
        var a = SessionTransactions.BuildOpen(ChainId, Escrow, Open(10), Fees, TempoChains.PathUsd, feePayer: true);
        var b = SessionTransactions.BuildOpen(ChainId, Escrow, Open(10), Fees, TempoChains.UsdcE, feePayer: true);
        Assert.Equal(SessionTransactions.ComputeExpiringNonceHash(a, Payer), SessionTransactions.ComputeExpiringNonceHash(b, Payer));
        var signed = await SessionTransactions.SignOpenAsync(Signer, a, Escrow, CancellationToken.None);
        Assert.StartsWith("0x78", signed.TransactionHex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_top_up_names_the_channel_of_its_descriptor()
    {
        var d = Descriptor(5);
        var signed = await SessionTransactions.SignTopUpAsync(Signer, SessionTransactions.BuildTopUp(ChainId, Escrow, d, 7, Fees, null, false), Escrow, CancellationToken.None);
        Assert.Equal(d, signed.Descriptor);
        Assert.Equal(d.ComputeChannelId(Escrow, ChainId), signed.ChannelId);
        Assert.Equal(new EscrowTopUpCall(d, 7), EscrowAbi.DecodeTopUp(signed.Transaction.Calls[0].Input));
    }

    [Fact]
    public async Task Bad_inputs_are_refused_before_anything_is_signed()
    {
        var max = (BigInteger.One << 96) - 1;
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionTransactions.BuildOpen(ChainId, Escrow, Open(0), Fees, null, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionTransactions.BuildOpen(ChainId, Escrow, Open(max + 1), Fees, null, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionTransactions.BuildTopUp(ChainId, Escrow, Descriptor(1), 0, Fees, null, false));
        Assert.Throws<InvalidOperationException>(() => SessionTransactions.BuildOpen(ChainId, Escrow, Open(1), Fees with { ValidAfter = Fees.ValidBefore }, null, false));
        Assert.Throws<FormatException>(() => SessionTransactions.BuildOpen(ChainId, "escrow", Open(1), Fees, null, false));

        var topUp = SessionTransactions.BuildTopUp(ChainId, Escrow, Descriptor(1), 1, Fees, null, false);
        await Assert.ThrowsAsync<ArgumentException>(() => SessionTransactions.SignOpenAsync(Signer, topUp, Escrow, CancellationToken.None).AsTask());
        var open = SessionTransactions.BuildOpen(ChainId, Escrow, Open(1), Fees, null, false);
        await Assert.ThrowsAsync<ArgumentException>(() => SessionTransactions.SignOpenAsync(Signer, open, CustomEscrow, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => SessionTransactions.SignTopUpAsync(Signer, open, Escrow, CancellationToken.None).AsTask());
    }

    [Fact]
    public void Salt_is_fresh_bytes32_and_valid_after_is_in_the_past_minute_window()
    {
        var salts = Enumerable.Range(0, 16).Select(_ => SessionTransactions.NewSalt()).ToList();
        Assert.All(salts, s => Assert.Matches("^0x[0-9a-f]{64}$", s));
        Assert.Equal(salts.Count, salts.Distinct().Count());

        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(SessionTransactions.RandomValidAfter(now), 0UL, (ulong)now.ToUnixTimeSeconds() - 61);
        }

        Assert.Equal(0UL, SessionTransactions.RandomValidAfter(DateTimeOffset.FromUnixTimeSeconds(30)));
    }
}
