using System.Security.Cryptography;
using Mpp.Client.Lightning.Invoices;
using NBitcoin;

namespace Mpp.Client.Lightning.Tests.Invoices;

/// <summary>Round trips through the test kit's encoder, edge cases, and robustness: any input decodes or throws a typed error.</summary>
public sealed class Bolt11DecoderTests
{
    private static readonly Key Payee = new(Convert.FromHexString("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"));

    [Theory]
    [InlineData(LightningNetwork.Mainnet, "lnbc")]
    [InlineData(LightningNetwork.Testnet, "lntb")]
    [InlineData(LightningNetwork.Signet, "lntbs")]
    [InlineData(LightningNetwork.Regtest, "lnbcrt")]
    public void Every_network_round_trips_with_its_prefix(LightningNetwork network, string prefix)
    {
        var invoice = Encoder(network, 2_500_000).Sign(Payee);

        var decoded = Bolt11Invoice.Decode(invoice);

        Assert.StartsWith(prefix + "25u1", invoice, StringComparison.Ordinal);
        Assert.Equal(network, decoded.Network);
        Assert.Equal(prefix, decoded.Prefix);
        Assert.Equal(2_500_000, decoded.AmountMsat);
        Assert.Equal(Payee.PubKey.ToHex(), decoded.PayeeNodeId);
    }

    [Theory]
    [InlineData(1L, "10p")]
    [InlineData(1_000L, "10n")]
    [InlineData(100_000L, "1u")]
    [InlineData(100_000_000L, "1m")]
    [InlineData(100_000_000_000L, "1")]
    [InlineData(123_456_789L, "1234567890p")]
    public void Amounts_use_the_shortest_multiplier_and_decode_back_exactly(long msat, string text)
    {
        Assert.Equal(text, Bolt11Encoder.AmountPart(msat));
        Assert.Equal(msat, Bolt11Invoice.Decode(Encoder(LightningNetwork.Mainnet, msat).Sign(Payee)).AmountMsat);
    }

    [Theory]
    [InlineData("0u", Bolt11Error.InvalidAmount)]
    [InlineData("01u", Bolt11Error.InvalidAmount)]
    [InlineData("u", Bolt11Error.InvalidAmount)]
    [InlineData("1.5u", Bolt11Error.InvalidAmount)]
    [InlineData("99999999999999999999m", Bolt11Error.InvalidAmount)]
    [InlineData("99999999999m", Bolt11Error.InvalidAmount)]
    [InlineData("15p", Bolt11Error.SubMillisatoshiAmount)]
    public void Bad_amounts_are_typed_errors(string amount, Bolt11Error error)
    {
        var encoder = Encoder(LightningNetwork.Mainnet, 1000);
        encoder.AmountText = amount;
        Assert.Equal(error, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(encoder.Sign(Payee))).Error);
    }

    [Fact]
    public void An_unknown_prefix_is_a_typed_error()
    {
        var encoder = Encoder(LightningNetwork.Mainnet, 1000);
        encoder.PrefixText = "lnltc";
        Assert.Equal(Bolt11Error.UnknownPrefix, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(encoder.Sign(Payee))).Error);
    }

    [Fact]
    public void Missing_payment_hash_description_both_descriptions_and_non_minimal_numbers_are_refused()
    {
        var noHash = new Bolt11Encoder(LightningNetwork.Mainnet, 1000, DateTimeOffset.UtcNow).PaymentSecret(new byte[32]).Description("x").Sign(Payee);
        var noDescription = new Bolt11Encoder(LightningNetwork.Mainnet, 1000, DateTimeOffset.UtcNow).PaymentSecret(new byte[32]).PaymentHash(new byte[32]).Sign(Payee);
        var both = Encoder(LightningNetwork.Mainnet, 1000).DescriptionHash(new byte[32]).Sign(Payee);
        var nonMinimal = Encoder(LightningNetwork.Mainnet, 1000).Field(6, [0, 1]).Sign(Payee);

        Assert.Equal(Bolt11Error.MissingPaymentHash, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(noHash)).Error);
        Assert.Equal(Bolt11Error.InvalidDescription, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(noDescription)).Error);
        Assert.Equal(Bolt11Error.InvalidDescription, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(both)).Error);
        Assert.Equal(Bolt11Error.InvalidField, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(nonMinimal)).Error);
    }

    [Fact]
    public void Basic_mpp_without_payment_secret_feature_is_refused()
    {
        var invoice = new Bolt11Encoder(LightningNetwork.Mainnet, 1000, DateTimeOffset.UtcNow)
            .PaymentSecret(new byte[32]).PaymentHash(new byte[32]).Description("x").Features(17).Sign(Payee);
        Assert.Equal(Bolt11Error.MissingFeatureDependency, Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(invoice)).Error);
    }

    [Fact]
    public void Upper_case_decodes_like_lower_case()
    {
        var invoice = Encoder(LightningNetwork.Regtest, 5_000).Sign(Payee);
        Assert.Equal(Bolt11Invoice.Decode(invoice).PaymentHash, Bolt11Invoice.Decode(invoice.ToUpperInvariant()).PaymentHash);
    }

    [Fact]
    public void Any_mutation_of_an_invoice_decodes_or_throws_a_typed_error_and_never_anything_else()
    {
        var random = new Random(14);
        var valid = Encoder(LightningNetwork.Mainnet, 2_500_000).PayeeNodeId(Payee.PubKey).Sign(Payee);
        const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l1LNBC0";
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var chars = valid.ToCharArray().ToList();
            switch (i % 4)
            {
                case 0:
                    chars[random.Next(chars.Count)] = Charset[random.Next(Charset.Length)];
                    break;
                case 1:
                    chars.RemoveRange(random.Next(chars.Count / 2), random.Next(1, chars.Count / 2));
                    break;
                case 2:
                    chars.Insert(random.Next(chars.Count), Charset[random.Next(Charset.Length)]);
                    break;
                default:
                    chars = [.. chars.Take(random.Next(chars.Count))];
                    break;
            }

            try
            {
                Bolt11Invoice.Decode(new string([.. chars]));
            }
            catch (Bolt11FormatException)
            {
                refused++;
            }
        }

        Assert.True(refused > 2900, $"only {refused} mutations were refused");
    }

    [Fact]
    public void Random_data_with_a_valid_checksum_decodes_or_throws_a_typed_error()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var data = new byte[random.Next(0, 400)];
            for (var j = 0; j < data.Length; j++)
            {
                data[j] = (byte)random.Next(32);
            }

            var text = new NBitcoin.DataEncoders.Bech32Encoder("lnbc"u8.ToArray()) { StrictLength = false }.EncodeData(data, NBitcoin.DataEncoders.Bech32EncodingType.BECH32);
            try
            {
                Bolt11Invoice.Decode(text);
            }
            catch (Bolt11FormatException)
            {
            }
        }
    }

    private static Bolt11Encoder Encoder(LightningNetwork network, long? msat) =>
        new Bolt11Encoder(network, msat, DateTimeOffset.FromUnixTimeSeconds(1_790_000_000))
            .PaymentSecret(RandomNumberGenerator.GetBytes(32))
            .PaymentHash(RandomNumberGenerator.GetBytes(32))
            .Description("round trip")
            .Features(8, 14);
}
