using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Interop;

/// <summary>
/// Our x402 payments against the official packages from npm: live resource servers (v1 and v2) settle them through the
/// official facilitator onto the fake chain, and the official decoder and facilitator verify our header values.
/// </summary>
[Trait("Category", "Interop")]
public sealed class OfficialX402InteropTests(OfficialX402ServerFixture x402) : IClassFixture<OfficialX402ServerFixture>
{
    [Theory]
    [InlineData("v1/weather", "base-sepolia")]
    [InlineData("v2/weather", "eip155:84532")]
    public async Task The_official_server_and_facilitator_accept_and_settle_our_payment(string path, string network)
    {
        await using var payer = X402Payer.Create();
        var before = (await x402.TransfersAsync()).Count;

        using var response = await payer.Http.GetAsync(new Uri(x402.BaseAddress, path));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{x402.ServerLog}");
        Assert.Contains("\"paid\":true", body, StringComparison.Ordinal);
        var transfers = await x402.TransfersAsync();
        Assert.Equal(before + 1, transfers.Count);
        var transfer = transfers[^1]!;
        Assert.Equal(payer.Address, (string?)transfer["from"]);
        Assert.Equal(OfficialX402ServerFixture.PayTo, (string?)transfer["to"]);
        Assert.Equal("1000", (string?)transfer["value"]); // $0.001 in USDC's 6 decimals, exactly

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        var receipt = Assert.IsType<PaymentReceipt>(outcome.Receipt);
        Assert.Equal((string?)transfer["hash"], receipt.Reference); // the settlement header names the mined transaction
        Assert.Equal(network, receipt.Extra["network"].GetString());
        Assert.Equal(0.001m, await payer.SpentAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_official_facilitator_verifies_our_header_and_refuses_it_tampered(int version)
    {
        await using var payer = X402Payer.Create();
        var (header, requirements) = await payer.CaptureAsync(x402.BaseAddress, version == 1 ? "v1/weather" : "v2/weather");

        var verdict = await x402.VerifyAsync(header, requirements);

        Assert.True((bool?)verdict["result"]?["isValid"] == true, verdict.ToJsonString());
        Assert.Equal(payer.Address, (string?)verdict["result"]!["payer"]);

        // The same payment with one more base unit authorized: the signature no longer covers it.
        var payment = JsonNode.Parse(Convert.FromBase64String(header))!;
        payment["payload"]!["authorization"]!["value"] = "1001";
        var tampered = Convert.ToBase64String(Encoding.UTF8.GetBytes(payment.ToJsonString()));
        var refused = await x402.VerifyAsync(tampered, requirements);
        Assert.False((bool?)refused["result"]?["isValid"] == true, refused.ToJsonString());
    }
}
