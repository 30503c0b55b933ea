using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class PaymentPreferenceTests
{
    [Theory]
    [InlineData("tempo/charge", "tempo", "charge", 1.0)]
    [InlineData("tempo/charge;q=0.5", "tempo", "charge", 0.5)]
    [InlineData(" stripe/* ; q=0.25 ", "stripe", "*", 0.25)]
    [InlineData("*/*;q=0", "*", "*", 0.0)]
    [InlineData("lightning/session;Q=1", "lightning", "session", 1.0)]
    [InlineData("tempo/charge;foo=bar;q=0.125", "tempo", "charge", 0.125)]
    [InlineData("tempo/charge;q=0.12345", "tempo", "charge", 0.123)]
    public void Parse_reads_method_intent_and_weight(string text, string method, string intent, double q)
    {
        var p = PaymentPreference.Parse(text);
        Assert.Equal(method, p.Method);
        Assert.Equal(intent, p.Intent);
        Assert.Equal(q, p.Q);
    }

    [Theory]
    [InlineData("tempo")]
    [InlineData("/charge")]
    [InlineData("tempo/")]
    [InlineData("Tempo/charge")]
    [InlineData("tempo/char ge")]
    [InlineData("tempo/charge;q=1.5")]
    [InlineData("tempo/charge;q=-0.5")]
    [InlineData("tempo/charge;q=abc")]
    [InlineData("")]
    public void Parse_rejects_malformed_ranges(string text)
    {
        Assert.Throws<FormatException>(() => PaymentPreference.Parse(text));
    }

    [Theory]
    [InlineData("tempo/charge", "tempo/charge")]
    [InlineData("tempo/charge;q=1", "tempo/charge")]
    [InlineData("stripe/*;q=0.5", "stripe/*;q=0.5")]
    [InlineData("*/*;q=0", "*/*;q=0")]
    [InlineData("tempo/charge;q=0.3333", "tempo/charge;q=0.333")]
    public void ToString_formats_and_omits_a_weight_of_one(string text, string formatted)
    {
        Assert.Equal(formatted, PaymentPreference.Parse(text).ToString());
    }

    [Fact]
    public void FormatHeader_joins_ranges()
    {
        PaymentPreference[] preferences = [new("tempo", "charge"), new("stripe", "*", 0.5), new("*", "*", 0)];
        Assert.Equal("tempo/charge, stripe/*;q=0.5, */*;q=0", PaymentPreference.FormatHeader(preferences));
    }

    [Fact]
    public void Constructor_validates()
    {
        Assert.Throws<ArgumentException>(() => new PaymentPreference("Tempo", "charge"));
        Assert.Throws<ArgumentException>(() => new PaymentPreference("tempo", "charge", double.NaN));
        Assert.Throws<ArgumentException>(() => new PaymentPreference("tempo", "charge", 1.01));
    }

    [Fact]
    public void WeightOf_takes_the_most_specific_matching_range()
    {
        PaymentPreference[] preferences =
        [
            PaymentPreference.Parse("*/*;q=0.1"),
            PaymentPreference.Parse("tempo/*;q=0.5"),
            PaymentPreference.Parse("*/session;q=0.7"),
            PaymentPreference.Parse("tempo/charge;q=0.9"),
            PaymentPreference.Parse("stripe/charge;q=0"),
        ];

        Assert.Equal(0.9, PaymentPreference.WeightOf(preferences, "tempo", "charge"));
        Assert.Equal(0.5, PaymentPreference.WeightOf(preferences, "tempo", "authorize"));
        Assert.Equal(0.7, PaymentPreference.WeightOf(preferences, "lightning", "session"));
        Assert.Equal(0.1, PaymentPreference.WeightOf(preferences, "lightning", "charge"));
        Assert.Equal(0.0, PaymentPreference.WeightOf(preferences, "stripe", "charge"));
    }

    [Fact]
    public void WeightOf_is_null_when_no_range_matches()
    {
        Assert.Null(PaymentPreference.WeightOf([PaymentPreference.Parse("tempo/charge")], "stripe", "charge"));
        Assert.Null(PaymentPreference.WeightOf([], "tempo", "charge"));
    }

    [Fact]
    public void Matches_honours_wildcards()
    {
        Assert.True(PaymentPreference.Parse("*/charge").Matches("tempo", "charge"));
        Assert.False(PaymentPreference.Parse("*/charge").Matches("tempo", "session"));
        Assert.Equal(2, PaymentPreference.Parse("tempo/charge").Specificity);
        Assert.Equal(1, PaymentPreference.Parse("tempo/*").Specificity);
        Assert.Equal(0, PaymentPreference.Parse("*/*").Specificity);
    }
}
