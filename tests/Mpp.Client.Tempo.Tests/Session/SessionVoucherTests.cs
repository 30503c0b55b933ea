using System.Numerics;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Tests.Helpers;
using static Mpp.Client.Tempo.Tests.Session.SessionSamples;

namespace Mpp.Client.Tempo.Tests.Session;

public sealed class SessionVoucherTests
{
    private static readonly BigInteger Order = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Signature_is_65_bytes_low_s_v_27_or_28_and_recovers_to_the_signer()
    {
        for (var amount = 0; amount < 20; amount++)
        {
            var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, Bytes32(amount), amount, CancellationToken.None);
            var bytes = Hex.Decode(voucher.Signature);
            Assert.Equal(65, bytes.Length);
            Assert.Contains(bytes[64], new byte[] { 27, 28 });
            Assert.True(new BigInteger(bytes.AsSpan(32, 32), isUnsigned: true, isBigEndian: true) <= Order / 2);
            Assert.Equal(voucher.Signature, voucher.Signature.ToLowerInvariant());
            Assert.True(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId, voucher, Payer));
        }
    }

    [Fact]
    public async Task The_digest_binds_protocol_escrow_chain_channel_and_amount()
    {
        var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 100, CancellationToken.None);
        var digests = new[]
        {
            SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 100),
            SessionVoucher.Hash(SessionProtocol.V1, Escrow, ChainId, Bytes32(1), 100),
            SessionVoucher.Hash(SessionProtocol.V2, CustomEscrow, ChainId, Bytes32(1), 100),
            SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId + 1, Bytes32(1), 100),
            SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, Bytes32(2), 100),
            SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 101),
        };
        Assert.Equal(digests.Length, digests.Select(d => Hex.Encode(d)).Distinct().Count());

        Assert.False(SessionVoucher.Verify(SessionProtocol.V1, Escrow, ChainId, voucher, Payer));
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, CustomEscrow, ChainId, voucher, Payer));
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId + 1, voucher, Payer));
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId, voucher with { CumulativeAmount = 101 }, Payer));
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId, voucher, Payee));
    }

    [Fact]
    public async Task Recover_accepts_v_0_or_1_and_eip2098_compact_and_refuses_high_s()
    {
        var voucher = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, Bytes32(3), 5, CancellationToken.None);
        var rsv = Hex.Decode(voucher.Signature);

        var parityForm = rsv.ToArray();
        parityForm[64] -= 27;
        Assert.Equal(Payer, SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(3), 5, Hex.Encode(parityForm)));

        var compact = rsv[..64];
        if (rsv[64] == 28)
        {
            compact[32] |= 0x80;
        }

        Assert.Equal(Payer, SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(3), 5, Hex.Encode(compact)));

        // (r, n − s, v ^ 1) is the same signature's malleable twin: refused.
        var s = new BigInteger(rsv.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var highS = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = rsv.ToArray();
        highS.CopyTo(twin, 32 + (32 - highS.Length));
        twin[64] = (byte)(rsv[64] == 27 ? 28 : 27);
        var error = Assert.Throws<FormatException>(() => SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(3), 5, Hex.Encode(twin)));
        Assert.Contains("lower half", error.Message, StringComparison.Ordinal);
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId, voucher with { Signature = Hex.Encode(twin) }, Payer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0xzz")]
    [InlineData("0x1234")]
    [InlineData("0x" + "11")]
    public void Recover_refuses_malformed_signatures_with_a_format_error(string signature)
    {
        Assert.Throws<FormatException>(() => SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, signature));
        Assert.False(SessionVoucher.Verify(SessionProtocol.V2, Escrow, ChainId, new SignedVoucher(Bytes32(1), 1, signature), Payer));
    }

    [Fact]
    public void A_65_byte_signature_with_an_unknown_v_or_zero_r_is_refused()
    {
        var bytes = new byte[65];
        bytes[31] = 1;
        bytes[63] = 1;
        bytes[64] = 29;
        Assert.Throws<FormatException>(() => SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, Hex.Encode(bytes)));
        bytes[64] = 27;
        bytes[31] = 0;
        Assert.Throws<FormatException>(() => SessionVoucher.Recover(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, Hex.Encode(bytes)));
    }

    [Fact]
    public void Amounts_outside_the_protocols_integer_width_and_malformed_ids_are_refused_before_signing()
    {
        var uint96 = BigInteger.One << 96;
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), uint96));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, Bytes32(1), -1));
        _ = SessionVoucher.Hash(SessionProtocol.V1, Escrow, ChainId, Bytes32(1), uint96); // v1 is uint128
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionVoucher.Hash(SessionProtocol.V1, Escrow, ChainId, Bytes32(1), BigInteger.One << 128));
        Assert.Throws<FormatException>(() => SessionVoucher.Hash(SessionProtocol.V2, Escrow, ChainId, "0x1234", 1));
        Assert.Throws<FormatException>(() => SessionVoucher.Hash(SessionProtocol.V2, "0xnot-an-address", ChainId, Bytes32(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionVoucher.Hash((SessionProtocol)9, Escrow, ChainId, Bytes32(1), 1));
    }

    [Fact]
    public async Task A_foreign_signer_goes_through_the_wallets_checks()
    {
        var other = TempoPrivateKey.FromHex("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
        var lying = new ForeignSigner(Samples.Key.Address, other);
        await Assert.ThrowsAsync<TempoSignerException>(() =>
            SessionVoucher.SignAsync(lying, SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, CancellationToken.None).AsTask());

        var honest = new ForeignSigner(Samples.Key.Address, Samples.Key);
        var voucher = await SessionVoucher.SignAsync(honest, SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, CancellationToken.None);
        var builtIn = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, Bytes32(1), 1, CancellationToken.None);
        Assert.Equal(builtIn, voucher);
    }

    [Fact]
    public async Task A_signer_that_answers_later_is_awaited_and_checked()
    {
        var other = TempoPrivateKey.FromHex("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
        await Assert.ThrowsAsync<TempoSignerException>(() =>
            SessionVoucher.SignAsync(new LateSigner(Samples.Key.Address, other), SessionProtocol.V2, Escrow, ChainId, Bytes32(2), 7, CancellationToken.None).AsTask());

        var late = await SessionVoucher.SignAsync(new LateSigner(Samples.Key.Address, Samples.Key), SessionProtocol.V2, Escrow, ChainId, Bytes32(2), 7, CancellationToken.None);
        var builtIn = await SessionVoucher.SignAsync(Signer, SessionProtocol.V2, Escrow, ChainId, Bytes32(2), 7, CancellationToken.None);
        Assert.Equal(builtIn, late);
    }

    private sealed class LateSigner(string address, TempoPrivateKey key) : ITempoSigner
    {
        public string Address => address;

        public async ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return key.SignHash(digest.Span).ToRsv();
        }
    }

    private sealed class ForeignSigner(string address, TempoPrivateKey key) : ITempoSigner
    {
        public string Address => address;

        public ValueTask<byte[]> SignDigestAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken) =>
            ValueTask.FromResult(key.SignHash(digest.Span).ToRsv());
    }
}
