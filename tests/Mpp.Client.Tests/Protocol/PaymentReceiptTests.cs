using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class PaymentReceiptTests
{
    [Fact]
    public void Extra_members_are_kept_and_written_back_at_the_top_level()
    {
        var header = Base64Url.EncodeText(
            "{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"0xabc\","
            + "\"externalId\":\"order-1\",\"chainId\":42431,\"fee\":{\"amount\":\"10\",\"asset\":\"usd\"},\"tags\":[\"a\"]}");

        var receipt = PaymentReceipt.Parse(header);

        Assert.Equal("success", receipt.Status);
        Assert.Equal("tempo", receipt.Method);
        Assert.Equal("2026-01-29T12:00:00Z", receipt.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 12, 0, 0, TimeSpan.Zero), receipt.TimestampValue);
        Assert.Equal("0xabc", receipt.Reference);
        Assert.Equal("order-1", receipt.ExternalId);
        Assert.Equal(3, receipt.Extra.Count);
        Assert.Equal(42431, receipt.Extra["chainId"].GetInt32());
        Assert.Equal("10", receipt.Extra["fee"].GetProperty("amount").GetString());

        var json = Encoding.UTF8.GetString(Base64Url.Decode(receipt.Serialize()));
        Assert.Equal(
            "{\"chainId\":42431,\"externalId\":\"order-1\",\"fee\":{\"amount\":\"10\",\"asset\":\"usd\"},\"method\":\"tempo\","
            + "\"reference\":\"0xabc\",\"status\":\"success\",\"tags\":[\"a\"],\"timestamp\":\"2026-01-29T12:00:00Z\"}",
            json);
    }

    [Fact]
    public void External_id_and_extra_members_are_optional()
    {
        var receipt = PaymentReceipt.Parse(Base64Url.EncodeText("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00+02:00\",\"reference\":\"r\"}"));
        Assert.Equal("tempo", receipt.Method);
        Assert.Null(receipt.ExternalId);
        Assert.Empty(receipt.Extra);
        Assert.Equal(10, receipt.TimestampValue!.Value.UtcDateTime.Hour);
        Assert.Equal("{\"method\":\"tempo\",\"reference\":\"r\",\"status\":\"success\",\"timestamp\":\"2026-01-29T12:00:00+02:00\"}", Encoding.UTF8.GetString(Base64Url.Decode(receipt.Serialize())));
    }

    [Theory]
    [InlineData("{\"status\":\"success\",\"timestamp\":\"2026-01-29T12:00:30Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":\"\",\"timestamp\":\"2026-01-29T12:00:30Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":null,\"timestamp\":\"2026-01-29T12:00:30Z\",\"reference\":\"r\"}")]
    public void A_receipt_without_a_method_is_refused(string json)
    {
        // The official receipt vectors (receipt.json, error_missing_method) make "method" required.
        var ex = Assert.Throws<MppFormatException>(() => PaymentReceipt.Parse(Base64Url.EncodeText(json)));
        Assert.Equal(MppErrorCode.InvalidReceipt, ex.Code);
        Assert.Contains("method", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_receipt_cannot_be_created_without_a_method(string? method)
    {
        Assert.ThrowsAny<ArgumentException>(() => new PaymentReceipt("success", method!, "2026-01-29T12:00:00Z", "r"));
    }

    [Fact]
    public void Padded_and_whitespace_surrounded_values_are_accepted()
    {
        var token = Base64Url.EncodeText("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}");
        var padded = token + new string('=', (4 - (token.Length % 4)) % 4);
        Assert.Equal("r", PaymentReceipt.Parse(" " + padded + " ").Reference);
    }

    [Theory]
    [InlineData("{\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":\"tempo\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\"}")]
    [InlineData("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"yesterday\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":1,\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":7,\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}")]
    [InlineData("[]")]
    [InlineData("not json")]
    public void Malformed_receipts_are_rejected(string json)
    {
        var ex = Assert.Throws<MppFormatException>(() => PaymentReceipt.Parse(Base64Url.EncodeText(json)));
        Assert.Equal(MppErrorCode.InvalidReceipt, ex.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!")]
    public void Values_that_are_not_base64url_are_rejected(string header)
    {
        Assert.Throws<MppFormatException>(() => PaymentReceipt.Parse(header));
    }

    [Fact]
    public void Created_receipts_serialize_as_jcs()
    {
        using var doc = JsonDocument.Parse("{\"z\":\"<&>\",\"a\":1.50}");
        var extra = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        var receipt = new PaymentReceipt("success", "stripe", "2026-01-29T12:00:00Z", "pi_1", "ext", extra);

        Assert.Equal(
            "{\"a\":1.5,\"externalId\":\"ext\",\"method\":\"stripe\",\"reference\":\"pi_1\",\"status\":\"success\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"z\":\"<&>\"}",
            Encoding.UTF8.GetString(Base64Url.Decode(receipt.Serialize())));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"a\":1,\"zz\":[1.50,\"x\"],\"method2\":null}")]
    [InlineData("{\"externalId\":\"only-in-extra\",\"rest\":true}")] // the receipt's own externalId is null here
    [InlineData("{\"\u00e9t\u00e9\":\"\u00e9\",\"\ufb01\":1,\"\ud83d\ude00\":2,\"Z\":3,\"t\":{\"b\":1,\"a\":2}}")]
    [InlineData("{\"quote\\\"d\":\"\\u0001\",\"back\\\\slash\":\"<&>\",\"status0\":1,\"statu\":2,\"timestamp\\u0000\":3}")]
    public void Serialize_writes_the_jcs_form_of_all_members_as_one_object(string extraJson)
    {
        using var doc = JsonDocument.Parse(extraJson);
        var extra = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        var externalId = extra.ContainsKey("externalId") ? null : "ext-1";
        var receipt = new PaymentReceipt("success", "tempo", "2026-01-29T12:00:00.5Z", "0xabc", externalId, extra);

        // The oracle: every member written into one object by System.Text.Json, then canonicalized as a whole.
        var all = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = receipt.Status, ["method"] = receipt.Method, ["timestamp"] = receipt.Timestamp, ["reference"] = receipt.Reference,
        };
        if (externalId is not null)
        {
            all["externalId"] = externalId;
        }

        foreach (var (name, value) in extra)
        {
            all[name] = System.Text.Json.Nodes.JsonNode.Parse(value.GetRawText());
        }

        using var whole = JsonDocument.Parse(all.ToJsonString());
        Assert.Equal(CanonicalJson.SerializeToString(whole.RootElement), Encoding.UTF8.GetString(Base64Url.Decode(receipt.Serialize())));
    }

    [Fact]
    public void Extra_names_are_ordered_by_utf16_code_units_not_code_points()
    {
        // U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16 order, after it in code point order (RFC 8785 §3.2.3).
        var extra = new Dictionary<string, JsonElement>
        {
            ["\ufb01"] = JsonSerializer.SerializeToElement(1),
            ["\ud83d\ude00"] = JsonSerializer.SerializeToElement(2),
            ["\u00e9"] = JsonSerializer.SerializeToElement(3),
        };
        var receipt = new PaymentReceipt("success", "tempo", "2026-01-29T12:00:00Z", "r", extra: extra);

        Assert.Equal(
            "{\"method\":\"tempo\",\"reference\":\"r\",\"status\":\"success\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"\u00e9\":3,\"\ud83d\ude00\":2,\"\ufb01\":1}",
            Encoding.UTF8.GetString(Base64Url.Decode(receipt.Serialize())));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("method")]
    [InlineData("timestamp")]
    [InlineData("reference")]
    [InlineData("externalId")]
    public void An_extra_member_that_repeats_a_receipt_member_is_refused_when_serialized(string name)
    {
        var extra = new Dictionary<string, JsonElement> { [name] = JsonSerializer.SerializeToElement("again") };
        var receipt = new PaymentReceipt("success", "tempo", "2026-01-29T12:00:00Z", "r", "ext", extra);

        var ex = Assert.Throws<MppFormatException>(receipt.Serialize);
        Assert.Equal(MppErrorCode.InvalidEncoding, ex.Code);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_member_names_are_read_as_their_value()
    {
        var receipt = PaymentReceipt.Parse(Base64Url.EncodeText(
            "{\"st\\u0061tus\":\"success\",\"\\u006dethod\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\",\"\\u0078\":1}"));

        Assert.Equal("success", receipt.Status);
        Assert.Equal("tempo", receipt.Method);
        Assert.Equal(1, receipt.Extra["x"].GetInt32());
    }

    [Fact]
    public void A_receipt_with_a_duplicate_member_is_refused()
    {
        var ex = Assert.Throws<MppFormatException>(() => PaymentReceipt.Parse(Base64Url.EncodeText(
            "{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\",\"reference\":\"s\"}")));
        Assert.Equal(MppErrorCode.InvalidReceipt, ex.Code);
    }

    [Theory]
    [InlineData("{\"status\":\"succ\xffss\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\"}")]
    [InlineData("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\",\"x\xff\":1}")]
    [InlineData("{\"status\":\"success\",\"method\":\"tempo\",\"timestamp\":\"2026-01-29T12:00:00Z\",\"reference\":\"r\",\"x\":\"\xc3\"}")]
    public void A_receipt_that_is_not_utf8_is_refused(string latin1)
    {
        // \xff and a lone \xc3 are not UTF-8; the bytes are taken one per char.
        var bytes = latin1.Select(c => (byte)c).ToArray();

        var ex = Assert.Throws<MppFormatException>(() => PaymentReceipt.Parse(Base64Url.Encode(bytes)));
        Assert.Equal(MppErrorCode.InvalidReceipt, ex.Code);
    }
}
