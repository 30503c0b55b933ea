using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Http;

/// <summary>x402 v1 and v2 paid through <c>AddX402()</c> against a loopback server that verifies signatures independently.</summary>
public sealed class X402PaymentTests : IAsyncLifetime
{
    private X402TestServer _server = null!;

    public async Task InitializeAsync() => _server = await X402TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Pays_an_exact_requirement_once_with_the_exact_price_and_returns_the_settlement_as_receipt(int version)
    {
        _server.Map("/weather", new X402TestRoute { Version = version, Amount = "1500" });
        await using var payer = X402Payer.Create();

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("; ", _server.Refusals));
        Assert.Equal("paid by x402", await response.Content.ReadAsStringAsync());
        var paid = Assert.Single(_server.Payments);
        Assert.Equal("1500", paid.Value);
        Assert.Equal(payer.Address, paid.From);
        Assert.Equal(X402TestRoute.DefaultPayTo, paid.To);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal("x402", outcome.Quote!.Method);
        Assert.Equal("exact", outcome.Quote.Intent);
        Assert.Equal("usd", outcome.Quote.Unit);
        Assert.Equal(0.0015m, outcome.Quote.DisplayAmount);
        var receipt = Assert.IsType<PaymentReceipt>(outcome.Receipt);
        Assert.Equal("success", receipt.Status);
        Assert.StartsWith("0x", receipt.Reference, StringComparison.Ordinal);
        Assert.Equal(payer.Address, receipt.Extra["payer"].GetString());
        Assert.Equal(version == 1 ? "base-sepolia" : "eip155:84532", receipt.Extra["network"].GetString());
    }

    [Fact]
    public async Task The_validity_window_is_bounded_by_maxTimeoutSeconds()
    {
        _server.Map("/weather", new X402TestRoute { MaxTimeoutSeconds = 30 });
        await using var payer = X402Payer.Create();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var paid = Assert.Single(_server.Payments);
        var validBefore = paid.ValidBefore;
        Assert.InRange(validBefore, before + 30, after + 30);
        Assert.Equal(0, paid.ValidAfter);
    }

    [Fact]
    public async Task The_payment_header_is_standard_padded_base64_and_v2_echoes_the_requirement_unchanged()
    {
        _server.Map("/weather", new X402TestRoute { Version = 2 });
        await using var payer = X402Payer.Create();

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        // The server decoded with Convert.FromBase64String (standard alphabet, padding required) and compared `accepted`
        // with JsonNode.DeepEquals; it accepted the payment, so both held.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_server.Payments);
        Assert.Empty(_server.Refusals);
    }

    [Fact]
    public async Task A_402_after_the_payment_keeps_it_counted_and_pays_no_second_time()
    {
        // An x402 server gives no proof that a signed authorization was not taken: it may still be settled.
        _server.Map("/weather", new X402TestRoute { RefuseAll = true, Amount = "1000" });
        await using var payer = X402Payer.Create();

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(1, _server.PaymentHeadersReceived);
        Assert.True(response.GetPaymentOutcome()!.MoneyMayHaveMoved); // Unknown: the signed authorization may yet be settled
        Assert.Equal(0.001m, await payer.SpentAsync());
    }
}
