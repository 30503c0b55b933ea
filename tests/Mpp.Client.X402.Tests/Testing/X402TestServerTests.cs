using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Testing;

/// <summary>
/// The test kit's own checks: <see cref="X402TestServer"/> refuses what the official facilitator refuses — a replayed
/// nonce, a tampered authorization, a wrong recipient or value, an expired window, garbage — with its
/// reason, and pays nothing for it; a valid payment is paid once and recorded.
/// </summary>
public sealed class X402TestServerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_valid_payment_is_accepted_once_and_its_replay_is_refused(int version)
    {
        await using var server = await X402TestServer.StartAsync();
        server.Map("/r", new X402TestRoute { Version = version, Amount = "2500", Body = "the answer" });
        await using var payer = X402Payer.Create();
        var (header, _) = await payer.CaptureAsync(server.BaseAddress, "/r");

        using var first = await SendAsync(server, version, header);
        using var replay = await SendAsync(server, version, header);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("the answer", await first.Content.ReadAsStringAsync());
        var settlement = JsonNode.Parse(Convert.FromBase64String(first.Headers.GetValues(version == 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE").Single()))!;
        var paid = Assert.Single(server.Payments);
        Assert.Equal(paid.Transaction, (string?)settlement["transaction"]);
        Assert.Equal(payer.Address, paid.From);
        Assert.Equal("2500", paid.Value);
        Assert.Equal("/r", paid.Path);
        Assert.Equal(HttpStatusCode.PaymentRequired, replay.StatusCode);
        Assert.Equal(["nonce_already_used"], server.Refusals);
        Assert.Equal(2500, (long)server.SettledTotal);
    }

    [Theory]
    [InlineData("value", "2501", "invalid_exact_evm_payload_signature")] // the signed value changed: another signer recovers
    [InlineData("to", "0x1111111111111111111111111111111111111111", "invalid_exact_evm_payload_signature")]
    [InlineData("nonce", "0x00", "invalid_exact_evm_payload")]
    [InlineData("value", "1e3", "invalid_exact_evm_payload")]
    [InlineData("from", "\",\"x\":\"", "invalid_exact_evm_payload")] // no JSON injection into the typed data
    public async Task A_tampered_authorization_is_refused_with_its_reason(string member, string value, string reason)
    {
        await using var server = await X402TestServer.StartAsync();
        server.Map("/r", new X402TestRoute());
        await using var payer = X402Payer.Create();
        var (header, _) = await payer.CaptureAsync(server.BaseAddress, "/r");
        var payment = JsonNode.Parse(Convert.FromBase64String(header))!;
        payment["payload"]!["authorization"]![member] = value;

        using var response = await SendAsync(server, 2, Convert.ToBase64String(Encoding.UTF8.GetBytes(payment.ToJsonString())));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal([reason], server.Refusals);
        Assert.Empty(server.Payments);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("bnVsbA==")] // null
    [InlineData("W10=")] // []
    [InlineData("eyJ4NDAyVmVyc2lvbiI6Mn0=")] // {"x402Version":2}
    public async Task Garbage_is_refused_and_nothing_is_paid(string header)
    {
        await using var server = await X402TestServer.StartAsync();
        server.Map("/r", new X402TestRoute());

        using var response = await SendAsync(server, 2, header);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Single(server.Refusals);
        Assert.Empty(server.Payments);
        Assert.Equal(1, server.PaymentHeadersReceived);
    }

    [Fact]
    public async Task A_payment_for_another_price_or_recipient_is_refused()
    {
        await using var server = await X402TestServer.StartAsync();
        server.Map("/cheap", new X402TestRoute { Amount = "1000" });
        server.Map("/dear", new X402TestRoute { Amount = "5000" });
        server.Map("/elsewhere", new X402TestRoute { Amount = "1000", PayTo = "0x2222222222222222222222222222222222222222" });
        await using var payer = X402Payer.Create();
        var (cheap, _) = await payer.CaptureAsync(server.BaseAddress, "/cheap");

        using var dear = await SendAsync(server, 2, cheap, "/dear");
        using var elsewhere = await SendAsync(server, 2, cheap, "/elsewhere");

        Assert.Equal(HttpStatusCode.PaymentRequired, dear.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, elsewhere.StatusCode);
        Assert.Equal(["accepted_mismatch", "accepted_mismatch"], server.Refusals); // v2 echoes the requirement it accepted
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task An_expired_authorization_is_refused_on_the_servers_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await X402TestServer.StartAsync(new X402TestServerOptions { TimeProvider = clock });
        server.Map("/r", new X402TestRoute { MaxTimeoutSeconds = 60 });
        await using var payer = X402Payer.Create();
        var (header, _) = await payer.CaptureAsync(server.BaseAddress, "/r");

        clock.Advance(TimeSpan.FromMinutes(10)); // past validBefore (the wallet signs at most maxTimeoutSeconds ahead)
        using var response = await SendAsync(server, 2, header);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(["invalid_exact_evm_payload_authorization_valid_before"], server.Refusals);
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task A_route_offering_MPP_needs_an_MPP_server()
    {
        await using var server = await X402TestServer.StartAsync();

        Assert.Throws<InvalidOperationException>(() => server.Map("/both", new X402TestRoute { MppPrice = new Mpp.Client.Testing.PriceOption("1") }));
    }

    private static async Task<HttpResponseMessage> SendAsync(X402TestServer server, int version, string header, string path = "/r")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url(path));
        request.Headers.TryAddWithoutValidation(version == 1 ? "X-PAYMENT" : "PAYMENT-SIGNATURE", header);
        return await http.SendAsync(request);
    }
}
