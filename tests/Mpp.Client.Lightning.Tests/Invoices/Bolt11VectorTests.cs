using System.Text.Json;
using Mpp.Client.Lightning;
using Mpp.Client.Lightning.Invoices;
using NBitcoin;

namespace Mpp.Client.Lightning.Tests.Invoices;

/// <summary>The official BOLT #11 examples (Vectors/bolt11-vectors.json, see Vectors/SOURCE.md).</summary>
public sealed class Bolt11VectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "bolt11-vectors.json"))).RootElement;

    public static TheoryData<int> ValidIndexes() => Indexes("valid");

    public static TheoryData<int> InvalidIndexes() => Indexes("invalid");

    [Fact]
    public void The_file_has_every_example()
    {
        Assert.Equal(16, Vectors.GetProperty("valid").GetArrayLength());
        Assert.Equal(10, Vectors.GetProperty("invalid").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(ValidIndexes))]
    public void Valid_invoices_decode_to_their_documented_values(int index)
    {
        var v = Vectors.GetProperty("valid")[index];
        var invoice = Bolt11Invoice.Decode(v.GetProperty("invoice").GetString()!);

        var payee = new Key(Convert.FromHexString(Vectors.GetProperty("privateKey").GetString()!)).PubKey.ToHex();
        Assert.Equal(payee, invoice.PayeeNodeId);
        Assert.False(invoice.PayeeNodeIdExplicit);
        Assert.Equal(v.GetProperty("network").GetString(), invoice.Network.ToString().ToLowerInvariant());
        Assert.Equal(v.GetProperty("timestamp").GetInt64(), invoice.Timestamp.ToUnixTimeSeconds());
        Assert.Equal(v.GetProperty("paymentHash").GetString(), invoice.PaymentHash);
        Assert.Equal(v.GetProperty("paymentSecret").GetString(), invoice.PaymentSecret);
        Assert.Equal(OptionalLong(v, "amountMsat"), invoice.AmountMsat);
        Assert.Equal(OptionalString(v, "description"), invoice.Description);
        Assert.Equal(OptionalString(v, "descriptionHash"), invoice.DescriptionHash);
        Assert.Equal(OptionalString(v, "metadata"), invoice.Metadata);
        Assert.Equal(TimeSpan.FromSeconds(v.GetProperty("expiry").GetInt64()), invoice.Expiry);
        Assert.Equal(v.GetProperty("minFinalCltvExpiry").GetInt64(), invoice.MinFinalCltvExpiry);
        Assert.Equal(v.GetProperty("features").EnumerateArray().Select(f => f.GetInt32()), invoice.FeatureBits);

        var fallbacks = v.GetProperty("fallbacks").EnumerateArray().ToList();
        Assert.Equal(fallbacks.Count, invoice.FallbackAddresses.Count);
        for (var i = 0; i < fallbacks.Count; i++)
        {
            Assert.Equal(fallbacks[i].GetProperty("version").GetInt32(), invoice.FallbackAddresses[i].Version);
            Assert.Equal(fallbacks[i].GetProperty("address").GetString(), invoice.FallbackAddresses[i].Address);
        }

        var routes = v.GetProperty("routeHints").EnumerateArray().ToList();
        Assert.Equal(routes.Count, invoice.RouteHints.Count);
        for (var r = 0; r < routes.Count; r++)
        {
            var hops = routes[r].EnumerateArray().ToList();
            Assert.Equal(hops.Count, invoice.RouteHints[r].Count);
            for (var h = 0; h < hops.Count; h++)
            {
                var actual = invoice.RouteHints[r][h];
                Assert.Equal(hops[h].GetProperty("nodeId").GetString(), actual.NodeId);
                Assert.Equal(hops[h].GetProperty("shortChannelId").GetString(), actual.ShortChannelIdText);
                Assert.Equal(hops[h].GetProperty("feeBaseMsat").GetUInt32(), actual.FeeBaseMsat);
                Assert.Equal(hops[h].GetProperty("feeProportionalMillionths").GetUInt32(), actual.FeeProportionalMillionths);
                Assert.Equal(hops[h].GetProperty("cltvExpiryDelta").GetUInt16(), actual.CltvExpiryDelta);
            }
        }
    }

    [Theory]
    [MemberData(nameof(InvalidIndexes))]
    public void Invalid_invoices_are_rejected_with_their_error(int index)
    {
        var v = Vectors.GetProperty("invalid")[index];
        var e = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(v.GetProperty("invoice").GetString()!));
        Assert.Equal(Enum.Parse<Bolt11Error>(v.GetProperty("error").GetString()!), e.Error);
    }

    private static TheoryData<int> Indexes(string set)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Vectors.GetProperty(set).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static long? OptionalLong(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetInt64();

    private static string? OptionalString(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();
}
