using System.Text.Json.Nodes;
using Mpp.Conformance;

namespace Mpp.Client.Tests.Conformance;

/// <summary>The harness ABI envelope of the adapter: one request in, one well-formed response out, never an exception.</summary>
public sealed class ConformanceAdapterTests
{
    private readonly ConformanceAdapter _adapter = new();

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"schema\":1}")]
    [InlineData("{\"schema\":1,\"op\":7,\"input\":{}}")]
    [InlineData("{\"schema\":2,\"op\":\"challenge.parse\",\"input\":{\"header\":\"x\"}}")]
    public async Task Malformed_request_is_an_unknown_error(string request)
    {
        var response = JsonNode.Parse(await _adapter.HandleAsync(request))!;
        Assert.False(response["ok"]!.GetValue<bool>());
        Assert.Equal("unknown_error", (string?)response["error"]!["type"]);
        Assert.False(string.IsNullOrEmpty((string?)response["error"]!["message"]));
    }

    [Theory]
    [InlineData("no.such.op")]
    [InlineData("server.verify")]
    public async Task Unknown_operation_is_unsupported(string op)
    {
        var response = await CallAsync(op, new JsonObject());
        Assert.Equal("unsupported_operation", (string?)response["error"]!["type"]);
    }

    [Fact]
    public async Task Response_is_one_line_of_json()
    {
        var line = await _adapter.HandleAsync(
            "{\"schema\":1,\"op\":\"base64url.decode\",\"input\":{\"text\":\"bGluZTEKbGluZTLDqQ\"}}");
        Assert.DoesNotContain('\n', line);
        var response = JsonNode.Parse(line)!;
        Assert.Equal("line1\nline2é", (string?)response["value"]!["text"]);
    }

    [Fact]
    public async Task Context_is_accepted()
    {
        var response = await _adapter.HandleAsync(new JsonObject
        {
            ["schema"] = 1,
            ["op"] = "base64url.encode",
            ["input"] = new JsonObject { ["text"] = "abc" },
            ["context"] = new JsonObject { ["caseName"] = "x", ["vectorName"] = "y", ["timeoutMs"] = 5000 },
        });
        Assert.Equal("YWJj", (string?)response["value"]!["text"]);
    }

    [Theory]
    [InlineData("challenge.parse", "parse_error")]
    [InlineData("challenge.format", "format_error")]
    [InlineData("credential.parse", "parse_error")]
    [InlineData("credential.format", "format_error")]
    [InlineData("receipt.parse", "parse_error")]
    [InlineData("receipt.format", "format_error")]
    [InlineData("base64url.encode", "encoding_error")]
    [InlineData("base64url.decode", "encoding_error")]
    [InlineData("challenge.id", "generation_error")]
    public async Task Missing_or_wrong_input_takes_the_operation_error_type(string op, string errorType)
    {
        Assert.Equal(errorType, (string?)(await CallAsync(op, null))["error"]!["type"]);
        Assert.Equal(errorType, (string?)(await CallAsync(op, new JsonObject()))["error"]!["type"]);
        Assert.Equal(errorType, (string?)(await CallAsync(op, JsonValue.Create(42)))["error"]!["type"]);
    }

    [Fact]
    public void Supported_operations_match_the_manifest()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "adapter.json")))!;
        Assert.Equal(1, manifest["schema"]!.GetValue<int>());
        Assert.Equal("dotnet", (string?)manifest["name"]);
        var capabilities = manifest["capabilities"]!.AsArray().Select(c => (string)c!).ToHashSet();
        foreach (var op in ConformanceAdapter.SupportedOperations)
        {
            Assert.Contains(op, capabilities);
        }

        // Advertised ahead of its implementation; everything else advertised must be implemented.
        Assert.Empty(capabilities.Except(ConformanceAdapter.SupportedOperations).Except(["http.payment_request"]));
    }

    [Fact]
    public async Task Challenge_parse_returns_the_canonical_object()
    {
        var header = "Payment id=\"ch_1\", realm=\"api.example.com\", method=\"tempo\", intent=\"charge\", "
            + "request=\"eyJhbW91bnQiOiIxMDAwIn0\", expires=\"2099-01-01T00:00:00Z\", opaque=\"b3A\", header=\"Payment-Authorization\"";
        var value = await ValueAsync("challenge.parse", new JsonObject { ["header"] = header });
        var expected = JsonNode.Parse("""
            {"id":"ch_1","realm":"api.example.com","method":"tempo","intent":"charge","request":{"amount":"1000"},
             "expires":"2099-01-01T00:00:00Z","opaque":"b3A","header":"Payment-Authorization"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, value), value!.ToJsonString());
    }

    [Fact]
    public async Task Challenge_format_rejects_header_injection()
    {
        var challenge = JsonNode.Parse("""{"id":"a","realm":"r\r\nSet-Cookie: x=1","method":"tempo","intent":"charge","request":{}}""");
        var response = await CallAsync("challenge.format", challenge);
        Assert.Equal("format_error", (string?)response["error"]!["type"]);
    }

    [Fact]
    public async Task Credential_format_then_parse_round_trips_source_header_and_opaque()
    {
        var credential = JsonNode.Parse("""
            {"challenge":{"id":"ch_1","realm":"r","method":"tempo","intent":"charge","request":{"b":1,"a":"x"},
                          "opaque":"b3A","header":"Payment-Authorization","digest":"sha-256=:abc=:"},
             "payload":{"type":"transaction","signature":"0x01"},
             "source":{"did":"did:example:1"}}
            """)!;
        var header = (string)(await ValueAsync("credential.format", credential))!["header"]!;
        Assert.StartsWith("Payment ", header, StringComparison.Ordinal);
        var parsed = await ValueAsync("credential.parse", new JsonObject { ["header"] = header });
        Assert.True(JsonNode.DeepEquals(credential, parsed), parsed!.ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"source\":null")]
    public async Task Credential_without_source_parses_without_a_source_key(string source)
    {
        // Absent and null are different JSON: the harness compares exactly, and its vectors have no "source" key.
        var token = Client.Protocol.Base64Url.EncodeText("""{"challenge":{"id":"a","realm":"r","method":"tempo","intent":"charge","request":"e30"},"payload":{}""" + source + "}");
        var value = (await ValueAsync("credential.parse", new JsonObject { ["header"] = "Payment " + token }))!.AsObject();
        Assert.False(value.ContainsKey("source"), value.ToJsonString());
    }

    [Fact]
    public async Task Credential_without_source_round_trips_without_a_source_key()
    {
        var credential = JsonNode.Parse("""
            {"challenge":{"id":"ch_1","realm":"r","method":"tempo","intent":"charge","request":{"amount":"1"}},
             "payload":{"type":"transaction","signature":"0x01"}}
            """)!;
        var header = (string)(await ValueAsync("credential.format", credential))!["header"]!;
        var token = JsonNode.Parse(Client.Protocol.Base64Url.DecodeText(header.AsSpan("Payment ".Length)))!.AsObject();
        Assert.False(token.ContainsKey("source"), token.ToJsonString());

        var parsed = await ValueAsync("credential.parse", new JsonObject { ["header"] = header });
        Assert.True(JsonNode.DeepEquals(credential, parsed), parsed!.ToJsonString());
    }

    [Fact]
    public async Task Receipt_format_flattens_extra_and_parse_collects_it()
    {
        var receipt = JsonNode.Parse("""
            {"status":"success","method":"tempo","timestamp":"2026-01-29T12:00:00Z","reference":"ref_123",
             "externalId":"order-1","extra":{"chainId":42431,"fee":{"amount":"1"}}}
            """)!;
        var header = (string)(await ValueAsync("receipt.format", receipt))!["header"]!;
        var json = JsonNode.Parse(Client.Protocol.Base64Url.DecodeText(header))!.AsObject();
        Assert.Equal(42431, json["chainId"]!.GetValue<int>());
        Assert.False(json.ContainsKey("extra"));

        var parsed = await ValueAsync("receipt.parse", new JsonObject { ["header"] = header });
        Assert.True(JsonNode.DeepEquals(receipt, parsed), parsed!.ToJsonString());
    }

    [Fact]
    public async Task Receipt_format_rejects_extra_members_that_shadow_known_ones()
    {
        var receipt = JsonNode.Parse("""
            {"status":"success","method":"tempo","timestamp":"2026-01-29T12:00:00Z","reference":"r","extra":{"status":"failed"}}
            """);
        Assert.Equal("format_error", (string?)(await CallAsync("receipt.format", receipt))["error"]!["type"]);
    }

    [Fact]
    public async Task Base64url_decode_rejects_invalid_utf8_and_alphabet()
    {
        Assert.Equal("encoding_error", (string?)(await CallAsync("base64url.decode", new JsonObject { ["text"] = "_w" }))["error"]!["type"]);
        Assert.Equal("encoding_error", (string?)(await CallAsync("base64url.decode", new JsonObject { ["text"] = "a+b/" }))["error"]!["type"]);
    }

    [Fact]
    public async Task Challenge_id_rejects_a_short_secret()
    {
        var input = JsonNode.Parse("""{"secretKey":"short","realm":"r","method":"tempo","intent":"charge","request":{}}""");
        Assert.Equal("generation_error", (string?)(await CallAsync("challenge.id", input))["error"]!["type"]);
    }

    private async Task<JsonNode> CallAsync(string op, JsonNode? input)
    {
        var request = new JsonObject { ["schema"] = 1, ["op"] = op };
        if (input is not null)
        {
            request["input"] = input;
        }

        var response = await _adapter.HandleAsync(request);
        Assert.NotNull(response["ok"]);
        return response;
    }

    private async Task<JsonNode?> ValueAsync(string op, JsonNode? input)
    {
        var response = await CallAsync(op, input);
        Assert.True(response["ok"]!.GetValue<bool>(), response.ToJsonString());
        return response["value"];
    }
}
