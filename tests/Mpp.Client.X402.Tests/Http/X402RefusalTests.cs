using System.Net;
using System.Text;
using Mpp.Client.Http;
using Mpp.Client.Policy;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Http;

/// <summary>
/// Bad or unwanted x402 requirements get a typed refusal and nothing is signed: the server never sees a payment header,
/// the ledger counts nothing, and the caller gets the 402 with the reason on its outcome.
/// </summary>
public sealed class X402RefusalTests : IAsyncLifetime
{
    private const string OtherUsdcOnBaseSepolia = "0x1111111111111111111111111111111111111111";

    private X402TestServer _server = null!;

    public async Task InitializeAsync() => _server = await X402TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, X402TestRoute, MppErrorCode, string> Cases => new()
    {
        { "network not allowed", new X402TestRoute { Network = "eip155:8453", ChainId = 8453, Asset = X402TestRoute.BaseUsdc, DomainName = "USD Coin" }, MppErrorCode.InvalidChallenge, "not in Mpp:X402:Networks" },
        { "v1 network not allowed", new X402TestRoute { Version = 1, Network = "base", ChainId = 8453, Asset = X402TestRoute.BaseUsdc, DomainName = "USD Coin" }, MppErrorCode.InvalidChallenge, "not in Mpp:X402:Networks" },
        { "domain name not the asset's", new X402TestRoute { DomainName = "USD Coin" }, MppErrorCode.InvalidChallenge, "EIP-712 domain" },
        { "domain version not the asset's", new X402TestRoute { DomainVersion = "1" }, MppErrorCode.InvalidChallenge, "EIP-712 domain" },
        { "USDC of another chain", new X402TestRoute { Asset = X402TestRoute.BaseUsdc, DomainName = "USD Coin" }, MppErrorCode.InvalidChallenge, "not on eip155:84532" },
        { "v2 resource on another origin", new X402TestRoute { Resource = "https://evil.example/weather" }, MppErrorCode.InvalidChallenge, "another origin" },
        { "v1 resource on another origin", new X402TestRoute { Version = 1, Resource = "http://127.0.0.2:1/weather" }, MppErrorCode.InvalidChallenge, "another origin" },
        { "not base64", new X402TestRoute { RawPaymentRequired = "%%% not base64 %%%" }, MppErrorCode.InvalidChallenge, "not standard base64" },
        { "base64url", new X402TestRoute { RawPaymentRequired = Base64UrlOfValidRequirement() }, MppErrorCode.InvalidChallenge, "not standard base64" },
        { "not JSON", new X402TestRoute { RawPaymentRequired = Convert.ToBase64String("{x402Version: 2"u8) }, MppErrorCode.InvalidChallenge, "not standard base64 of a JSON object" },
        { "v2 unknown version", new X402TestRoute { RawPaymentRequired = Convert.ToBase64String("{\"x402Version\":3,\"accepts\":[]}"u8) }, MppErrorCode.InvalidChallenge, "x402Version 2" },
        { "v1 unknown version", new X402TestRoute { Version = 1, RawBody = "{\"x402Version\":3,\"accepts\":[]}" }, MppErrorCode.InvalidChallenge, "unsupported x402Version" },
        { "v1 accepts not a list", new X402TestRoute { Version = 1, RawBody = "{\"x402Version\":1,\"accepts\":\"all\"}" }, MppErrorCode.InvalidChallenge, "no accepts list" },
        { "unknown scheme", new X402TestRoute { Scheme = "upto" }, MppErrorCode.NoPayableChallenge, "x402/upto" },
        { "unknown asset", new X402TestRoute { Asset = OtherUsdcOnBaseSepolia }, MppErrorCode.PolicyRefused, "unknown" },
        { "no timeout", new X402TestRoute { MaxTimeoutSeconds = 0 }, MppErrorCode.InvalidChallenge, "maxTimeoutSeconds" },
        { "timeout too short to verify", new X402TestRoute { MaxTimeoutSeconds = 5 }, MppErrorCode.InvalidChallenge, "below the 6 seconds" },
        { "over the per-request cap", new X402TestRoute { Amount = "2000000" }, MppErrorCode.BudgetExceeded, "" },
        { "recipient not allowed", new X402TestRoute { PayTo = "0x2222222222222222222222222222222222222222" }, MppErrorCode.PolicyRefused, "" },
        { "amount not decimal", new X402TestRoute { Amount = "0x10" }, MppErrorCode.InvalidChallenge, "decimal string" },
    };

    /// <summary>A well-formed v2 payment request, but base64url without padding (the official server rejects that form too).</summary>
    private static string Base64UrlOfValidRequirement()
    {
        var json = "{\"x402Version\":2,\"resource\":{\"url\":\"/weather\"},\"accepts\":[]} "u8;
        var text = Convert.ToBase64String(json);
        Assert.EndsWith("=", text, StringComparison.Ordinal);
        return text.TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_before_anything_is_signed(string name, X402TestRoute route, MppErrorCode code, string reason)
    {
        _server.Map("/weather", route);
        await using var payer = X402Payer.Create(o =>
        {
            o.Budget.PerRequest["usd"] = "1";
            o.AllowedRecipients.Add(X402TestRoute.DefaultPayTo);
        });

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(0, _server.PaymentHeadersReceived);
        Assert.Equal(0m, await payer.SpentAsync());
        var outcome = response.GetPaymentOutcome();
        Assert.NotNull(outcome);
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.True(rejection.Code == code && rejection.Reason.Contains(reason, StringComparison.Ordinal), $"{name}: {rejection}");
    }

    [Fact]
    public async Task Another_token_is_paid_when_configured_under_Assets()
    {
        _server.Map("/weather", new X402TestRoute { Asset = OtherUsdcOnBaseSepolia, DomainName = "Other", Amount = "5" });
        await using var payer = X402Payer.Create(o =>
        {
            o.Assets[OtherUsdcOnBaseSepolia] = new AssetOptions { Decimals = 2, Unit = "eur" };
            o.Budget.PerDay["eur"] = "1";
        });

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0.05m, await payer.SpentAsync("eur"));
    }
}
