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
}
