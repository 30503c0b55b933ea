using System.Net;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Conformance;

/// <summary>
/// The official receipt vectors (<c>receipt.json</c>, <c>error_missing_method</c>) make <c>method</c> a required receipt member.
/// Through the handler: a paid response whose receipt has no method is still paid (and counted), but its receipt is invalid.
/// </summary>
public sealed class ReceiptMethodTests : IAsyncLifetime
{
    private const string Challenge = "Payment id=\"abc\", realm=\"r\", method=\"test\", intent=\"charge\", request=\"eyJhbW91bnQiOiIxMCIsImN1cnJlbmN5IjoidXNkIn0\"";

    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"status":"success","timestamp":"2026-01-29T12:00:30Z","reference":"r"}""", false)]
    [InlineData("""{"status":"success","method":"test","timestamp":"2026-01-29T12:00:30Z","reference":"r"}""", true)]
    public async Task A_receipt_without_a_method_is_reported_as_invalid(string receiptJson, bool valid)
    {
        _server.MapHandler("/paid", ctx =>
        {
            if (ctx.Request.Headers.Authorization.Count == 0)
            {
                ctx.Response.StatusCode = 402;
                ctx.Response.Headers.Append("WWW-Authenticate", Challenge);
                return Task.CompletedTask;
            }

            ctx.Response.Headers.Append("Payment-Receipt", Base64Url.EncodeText(receiptJson));
            return ctx.Response.WriteAsync("ok");
        });
        await using var client = PayingClient.Create();

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(0.10m, await client.SpentAsync());
        var invalidReceiptLogged = client.Logs.GetSnapshot().Any(r => r.Message.Contains("invalid Payment-Receipt", StringComparison.Ordinal) && r.Message.Contains("no method", StringComparison.Ordinal));
        if (valid)
        {
            Assert.Equal("test", outcome.Receipt!.Method);
            Assert.False(invalidReceiptLogged);
        }
        else
        {
            Assert.Null(outcome.Receipt);
            Assert.True(invalidReceiptLogged);
        }
    }
}
