using System.Text.Json.Nodes;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Conformance;

namespace Mpp.Client.Tests.Conformance;

/// <summary>The adapter's flow operation, through the real PaymentHandler, against the real test server.</summary>
public sealed class HttpPaymentRequestTests : IAsyncLifetime
{
    private readonly ConformanceAdapter _adapter = new();
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = new MppTestServerOptions();
        options.AddVerifier("tempo", c => c.Payload.GetProperty("signature").GetString() == "0xabc123"
            ? PaymentVerificationResult.Success("ref-success")
            : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "bad signature"));
        _server = await MppTestServer.StartAsync(options);
        _server.MapPaid("/charge/success", new PriceOption("1000", "USD") { Method = "tempo", Recipient = "merchant" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonNode> Run(string path, string mode = "payment", string signature = "0xabc123", string method = "GET", string? body = null) =>
        await _adapter.HandleAsync(new JsonObject
        {
            ["schema"] = 1,
            ["op"] = "http.payment_request",
            ["input"] = new JsonObject
            {
                ["url"] = _server.Url(path).ToString(),
                ["method"] = method,
                ["headers"] = new JsonObject(),
                ["body"] = body,
                ["payment"] = new JsonObject { ["payload"] = new JsonObject { ["type"] = "transaction", ["signature"] = signature }, ["source"] = null },
                ["mode"] = mode,
            },
        });

    [Fact]
    public async Task Payment_mode_pays_and_returns_the_receipt_header()
    {
        var r = await Run("/charge/success");
        Assert.True(r["ok"]!.GetValue<bool>(), r.ToJsonString());
        Assert.Equal(200, r["value"]!["status"]!.GetValue<int>());
        var receipt = PaymentReceipt.Parse(r["value"]!["headers"]!["payment-receipt"]!.GetValue<string>());
        Assert.Equal("ref-success", receipt.Reference);
    }

    [Fact]
    public async Task Plain_mode_returns_the_402()
    {
        var r = await Run("/charge/success", mode: "plain");
        Assert.Equal(402, r["value"]!["status"]!.GetValue<int>());
        Assert.Empty(_server.Payments);
    }

    [Theory]
    [InlineData("invalid_challenge_id")]
    [InlineData("mismatched_request")]
    public async Task Tampered_credentials_are_rejected_by_the_server(string mode)
    {
        var r = await Run("/charge/success", mode: mode);
        Assert.Equal(402, r["value"]!["status"]!.GetValue<int>());
        Assert.Contains("invalid-challenge", r["value"]!["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_server.Payments);
    }

    [Fact]
    public async Task Invalid_payload_is_rejected_with_verification_failed()
    {
        var r = await Run("/charge/success", signature: "not-hex");
        Assert.Equal(402, r["value"]!["status"]!.GetValue<int>());
        Assert.Contains("verification-failed", r["value"]!["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cross_origin_redirect_before_the_402_is_an_http_error()
    {
        await using var other = await MppTestServer.StartAsync();
        other.MapPaid("/target", new PriceOption("10") { Method = "tempo" });
        _server.MapRedirect("/charge/redirect-cross-origin", other.Url("/target").ToString());

        var r = await Run("/charge/redirect-cross-origin");

        Assert.False(r["ok"]!.GetValue<bool>());
        Assert.Equal("http_error", r["error"]!["type"]!.GetValue<string>());
        Assert.Contains("Refusing to send payment credential across redirect", r["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(other.Requests, q => q.HasCredential);
    }
}
