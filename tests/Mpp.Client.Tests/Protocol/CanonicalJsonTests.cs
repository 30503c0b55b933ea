using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

/// <summary>RFC 8785 (JCS) specifics; the expected texts follow the RFC's examples and ECMAScript number formatting.</summary>
public sealed class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return CanonicalJson.SerializeToString(doc.RootElement);
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_including_non_bmp()
    {
        // RFC 8785 §3.2.3: U+1F600 (UTF-16 D83D DE00) sorts before U+FB33 although its code point is larger.
        var json = "{\"\\u20ac\":\"Euro\",\"\\r\":\"CR\",\"\\ufb33\":\"Hebrew\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Smiley\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin\"}";
        Assert.Equal(
            "{\"\\r\":\"CR\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin\",\"\u20ac\":\"Euro\",\"\ud83d\ude00\":\"Smiley\",\"\ufb33\":\"Hebrew\"}",
            Canonical(json));
    }

    [Fact]
    public void Uppercase_sorts_before_lowercase_and_nested_objects_are_sorted()
    {
        Assert.Equal(
            "{\"ZONE\":\"eu\",\"a\":[3,{\"B\":1,\"a\":2}],\"b\":{\"Y\":null,\"x\":true}}",
            Canonical("{ \"b\": {\"x\": true, \"Y\": null}, \"a\": [3, {\"a\": 2, \"B\": 1}], \"ZONE\": \"eu\" }"));
    }

    [Theory]
    [InlineData("1e21", "1e+21")]
    [InlineData("1E30", "1e+30")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("1.5e-10", "1.5e-10")]
    [InlineData("0.000000000000000000000000001", "1e-27")]
    [InlineData("0.1", "0.1")]
    [InlineData("2e-3", "0.002")]
    [InlineData("4.50", "4.5")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0", "0")]
    [InlineData("100", "100")]
    [InlineData("1E2", "100")]
    [InlineData("100.0", "100")]
    [InlineData("-1", "-1")]
    [InlineData("-1.25e-8", "-1.25e-8")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("42431", "42431")]
    [InlineData("123456789012345", "123456789012345")]
    [InlineData("-42", "-42")]
    [InlineData("-0e0", "0")]
    public void Numbers_are_formatted_as_ecmascript_does(string number, string expected)
    {
        Assert.Equal(expected, Canonical(number));
        Assert.Equal("[" + expected + "]", Canonical("[" + number + "]"));
    }

    /// <remarks>
    /// Integers above 2^53 are written with ECMAScript's shortest round-trip digits padded with zeros, not their exact
    /// binary value. Skipped until <c>CanonicalJson.FormatNumber</c> drops its exact-integer (BigInteger) branch.
    /// </remarks>
    [Theory]
    [InlineData("123456789012345680000", "123456789012345680000")]
    [InlineData("1152921504606846976", "1152921504606847000")]
    [InlineData("99999999999999999999", "100000000000000000000")]
    public void Large_integers_use_shortest_round_trip_digits(string number, string expected)
    {
        Assert.Equal(expected, Canonical(number));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Numbers_beyond_double_range_are_rejected(string number)
    {
        var ex = Assert.Throws<MppFormatException>(() => Canonical(number));
        Assert.Equal(MppErrorCode.InvalidEncoding, ex.Code);
    }

    [Fact]
    public void Control_characters_use_short_escapes_or_lowercase_u_escapes()
    {
        Assert.Equal(
            "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f\"",
            Canonical("\"\\u0000\\u0001\\b\\t\\n\\u000B\\f\\r\\u000E\\u001F\""));
    }

    [Fact]
    public void Only_quote_backslash_and_controls_are_escaped()
    {
        // No HTML escaping, no '/' escaping, DEL and non-ASCII written as raw UTF-8.
        Assert.Equal(
            "\"<a href='x'>&amp;</a> / \\\" \\\\ \u007f é € 😀\"",
            Canonical("\"\\u003ca href=\\u0027x\\u0027\\u003e\\u0026amp;\\u003c/a\\u003e \\/ \\\" \\\\ \\u007f \\u00e9 \\u20ac \\ud83d\\ude00\""));
    }

    [Fact]
    public void Output_is_utf8_bytes_without_whitespace()
    {
        using var doc = JsonDocument.Parse("{ \"k\" : [ 1 , \"é\" , { } , [ ] , false , null ] }");
        var bytes = CanonicalJson.Serialize(doc.RootElement);
        Assert.Equal("{\"k\":[1,\"é\",{},[],false,null]}", Encoding.UTF8.GetString(bytes));
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, bytes[9..11]); // 'é' as two UTF-8 bytes, not \u00e9
    }

    [Fact]
    public void Duplicate_member_names_are_rejected()
    {
        Assert.Throws<MppFormatException>(() => Canonical("{\"a\":1,\"a\":2}"));
        Assert.Throws<MppFormatException>(() => Canonical("{\"b\":1,\"a\":2,\"b\":3}")); // found once sorted
        Assert.Throws<MppFormatException>(() => Canonical("{\"a\":1,\"b\":2,\"b\":3}"));
        Assert.Throws<MppFormatException>(() => Canonical("{\"a\":1,\"b\":2,\"\\u0062\":3}")); // the same name, escaped
    }

    [Fact]
    public void Members_already_in_order_are_written_as_received_with_escapes_resolved()
    {
        Assert.Equal("{\"a\":\"<\",\"ab\":\"x\",\"b\":{\"c\":\"\u00e9\"}}", Canonical("{\"a\":\"\\u003c\",\"a\\u0062\":\"x\",\"b\":{\"c\":\"\\u00e9\"}}"));
        Assert.Equal("{\"a\":\"/\",\"b\":\"\\\"\"}", Canonical("{\"a\":\"\\/\",\"b\":\"\\\"\"}"));
        Assert.Equal("{\"a\":1,\"b\":2}", Canonical("{\"b\":2,\"a\":1}"));
    }

    [Fact]
    public void Lone_surrogates_are_rejected()
    {
        Assert.ThrowsAny<Exception>(() => Canonical("\"\\ud800\""));
    }

    [Fact]
    public void EncodeBase64Url_is_base64url_of_the_canonical_bytes()
    {
        using var doc = JsonDocument.Parse("{\"b\":\"<&>\",\"a\":1.0}");
        Assert.Equal(Base64Url.EncodeText("{\"a\":1,\"b\":\"<&>\"}"), CanonicalJson.EncodeBase64Url(doc.RootElement));
    }
}
