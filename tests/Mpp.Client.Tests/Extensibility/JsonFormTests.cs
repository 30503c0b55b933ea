using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>Challenges, credentials and receipts as JSON objects, the form the MCP transport carries them in.</summary>
public sealed class JsonFormTests
{
    private const string McpChallenge = """
        {"id":"qB3wErTyU7iOpAsD9fGhJk","realm":"api.example.com","method":"tempo","intent":"charge",
         "request":{"recipient":"0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00","amount":"1000","currency":"usd"},
         "expires":"2025-01-15T12:05:00.000Z","description":"API call fee"}
        """;

    [Fact]
    public void A_challenge_object_reads_with_its_request_as_an_object_and_keeps_expires_verbatim()
    {
        using var doc = JsonDocument.Parse(McpChallenge);
        var challenge = Challenge.FromJson(doc.RootElement);

        Assert.Equal("qB3wErTyU7iOpAsD9fGhJk", challenge.Id);
        Assert.Equal("1000", challenge.Request.GetProperty("amount").GetString());
        Assert.Equal("2025-01-15T12:05:00.000Z", challenge.Expires); // not re-formatted
        Assert.Equal(CanonicalJson.EncodeBase64Url(doc.RootElement.GetProperty("request")), challenge.EncodedRequest);
        Assert.Equal(Challenge.PaymentScheme, challenge.Scheme);
    }

    [Fact]
    public void A_credential_echoes_a_json_challenge_unchanged_with_the_request_as_an_object()
    {
        using var doc = JsonDocument.Parse(McpChallenge);
        using var payload = JsonDocument.Parse("""{"signature":"0x1b2c"}""");
        var credential = Credential.Create(Challenge.FromJson(doc.RootElement), payload.RootElement);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        credential.WriteJson(buffer, requestAsObject: true);

        using var written = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.True(JsonElement.DeepEquals(doc.RootElement, written.RootElement.GetProperty("challenge")));
        Assert.Equal("0x1b2c", written.RootElement.GetProperty("payload").GetProperty("signature").GetString());
        Assert.False(written.RootElement.TryGetProperty("source", out _));
    }

    [Fact]
    public void A_header_challenge_written_as_an_object_carries_the_decoded_request()
    {
        using var request = JsonDocument.Parse("""{"amount":"5","currency":"usd"}""");
        using var payload = JsonDocument.Parse("""{"token":"t"}""");
        var challenge = ChallengeParser.ParseFirst(Challenge.Create("id1", "r", "test", "charge", request.RootElement, digest: "sha-256=:abc=:").ToHeaderValue());
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        Credential.Create(challenge, payload.RootElement).WriteJson(buffer, requestAsObject: true);

        using var written = JsonDocument.Parse(buffer.WrittenMemory);
        var echoed = written.RootElement.GetProperty("challenge");
        Assert.Equal(JsonValueKind.Object, echoed.GetProperty("request").ValueKind);
        Assert.Equal("5", echoed.GetProperty("request").GetProperty("amount").GetString());
        Assert.Equal("sha-256=:abc=:", echoed.GetProperty("digest").GetString());

        // The header form still carries the base64url request, byte-for-byte as before.
        var header = new System.Buffers.ArrayBufferWriter<byte>();
        Credential.Create(challenge, payload.RootElement).WriteJson(header);
        using var headerForm = JsonDocument.Parse(header.WrittenMemory);
        Assert.Equal(challenge.EncodedRequest, headerForm.RootElement.GetProperty("challenge").GetProperty("request").GetString());
    }

    [Theory]
    [InlineData("""{"id":"a","realm":"r","method":"tempo","intent":"charge"}""", "request")]
    [InlineData("""{"id":"a","realm":"r","method":"Tempo","intent":"charge","request":{}}""", "method")]
    [InlineData("""{"id":"a","id":"b","realm":"r","method":"tempo","intent":"charge","request":{}}""", "duplicate")]
    [InlineData("""{"id":5,"realm":"r","method":"tempo","intent":"charge","request":{}}""", "id")]
    [InlineData("""[]""", "object")]
    public void A_malformed_challenge_object_is_a_typed_error(string json, string mentions)
    {
        using var doc = JsonDocument.Parse(json);

        var ex = Assert.Throws<MppFormatException>(() => Challenge.FromJson(doc.RootElement));

        Assert.Equal(MppErrorCode.InvalidChallenge, ex.Code);
        Assert.Contains(mentions, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_receipt_object_reads_like_the_header_and_needs_a_method()
    {
        using var ok = JsonDocument.Parse("""{"status":"success","method":"tempo","timestamp":"2025-01-15T12:00:30Z","reference":"tx_abc","challengeId":"qB3"}""");
        var receipt = PaymentReceipt.FromJson(ok.RootElement);
        Assert.Equal("tx_abc", receipt.Reference);
        Assert.Equal("qB3", receipt.Extra["challengeId"].GetString());
        Assert.Equal(receipt.Serialize(), PaymentReceipt.Parse(Base64Url.Encode(Encoding.UTF8.GetBytes(ok.RootElement.GetRawText()))).Serialize());

        using var noMethod = JsonDocument.Parse("""{"status":"success","timestamp":"2025-01-15T12:00:30Z","reference":"tx_abc"}""");
        Assert.Equal(MppErrorCode.InvalidReceipt, Assert.Throws<MppFormatException>(() => PaymentReceipt.FromJson(noMethod.RootElement)).Code);
        using var duplicate = JsonDocument.Parse("""{"status":"success","method":"a","method":"b","timestamp":"2025-01-15T12:00:30Z","reference":"r"}""");
        Assert.Equal(MppErrorCode.InvalidReceipt, Assert.Throws<MppFormatException>(() => PaymentReceipt.FromJson(duplicate.RootElement)).Code);
    }
}
