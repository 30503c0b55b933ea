using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Testing;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Http;

/// <summary>x402 and MPP side by side: one 402 offering both is paid once, by preference; one budget for both.</summary>
public sealed class X402WithMppTests : IAsyncLifetime
{
    private MppTestServer _mpp = null!;
    private X402TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _mpp = await MppTestServer.StartAsync();
        _server = await X402TestServer.StartAsync(new X402TestServerOptions { Mpp = _mpp });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _mpp.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_402_offering_MPP_and_x402_is_paid_once_through_MPP(int version)
    {
        _server.Map("/both", new X402TestRoute { Version = version, MppPrice = new PriceOption("1") });
        await using var payer = X402Payer.Create(withMppMethod: true);

        using var response = await payer.Http.GetAsync(_server.Url("/both"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paid by MPP", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _server.MppPaymentsAccepted);
        Assert.Equal(0, _server.PaymentHeadersReceived);
        Assert.Equal(1, payer.Mpp!.PayloadsCreated);
        Assert.Equal("test", response.GetPaymentOutcome()!.Quote!.Method);
        Assert.Equal(0.01m, await payer.SpentAsync());
    }

    [Fact]
    public async Task Preferences_can_rank_x402_exact_above_MPP()
    {
        _server.Map("/both", new X402TestRoute { MppPrice = new PriceOption("1"), Amount = "20000" });
        await using var payer = X402Payer.Create(o => o.Preferences.AddRange(["x402/exact", "test/charge;q=0.5"]), withMppMethod: true);

        using var response = await payer.Http.GetAsync(_server.Url("/both"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paid by x402", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _server.MppPaymentsAccepted);
        Assert.Single(_server.Payments);
        Assert.Equal(0, payer.Mpp!.PayloadsCreated);
        Assert.Equal(0.02m, await payer.SpentAsync());
    }

    [Fact]
    public async Task x402_exact_at_q0_forbids_x402_and_AllowedMethods_can_name_it()
    {
        _server.Map("/x402", new X402TestRoute());
        await using var forbidden = X402Payer.Create(o => o.Preferences.Add("x402/exact;q=0"));
        await using var notAllowed = X402Payer.Create(o => o.AllowedMethods.Add("test/charge"));
        await using var allowed = X402Payer.Create(o => o.AllowedMethods.Add("x402/exact"));

        using var r1 = await forbidden.Http.GetAsync(_server.Url("/x402"));
        using var r2 = await notAllowed.Http.GetAsync(_server.Url("/x402"));
        using var r3 = await allowed.Http.GetAsync(_server.Url("/x402"));

        Assert.Equal(HttpStatusCode.PaymentRequired, r1.StatusCode);
        Assert.Equal(MppErrorCode.PolicyRefused, Assert.Single(r1.GetPaymentOutcome()!.Rejections).Code);
        Assert.Equal(HttpStatusCode.PaymentRequired, r2.StatusCode);
        Assert.Equal(MppErrorCode.PolicyRefused, Assert.Single(r2.GetPaymentOutcome()!.Rejections).Code);
        Assert.Equal(HttpStatusCode.OK, r3.StatusCode);
        Assert.Single(_server.Payments);
    }

    [Fact]
    public async Task A_thousand_concurrent_x402_requests_never_overspend_the_cap()
    {
        _server.Map("/cheap", new X402TestRoute { Amount = "10000" }); // 0.01 usd
        await using var payer = X402Payer.Create(o => o.Budget.PerDay["usd"] = "3.00");

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var r = await payer.Http.GetAsync(_server.Url("/cheap"));
            return r.StatusCode;
        }));

        Assert.Equal(300, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(700, responses.Count(s => s == HttpStatusCode.PaymentRequired));
        Assert.Equal(300, _server.Payments.Count);
        Assert.Equal(300, _server.PaymentHeadersReceived);
        Assert.Equal(3_000_000, (long)_server.SettledTotal);
        Assert.Equal(3.00m, await payer.SpentAsync());
    }
}
