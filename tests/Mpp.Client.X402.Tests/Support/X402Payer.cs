using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.X402.Exact;
using Mpp.Client.X402.Http;

namespace Mpp.Client.X402.Tests.Support;

/// <summary>
/// The public path: a service provider with <c>AddMppPayments</c> on every factory client and <c>AddX402()</c> with a
/// fresh key, logging to a fake collector (every level) so tests can look for secrets in the logs.
/// </summary>
internal sealed class X402Payer : IAsyncDisposable
{
    public required ServiceProvider Provider { get; init; }

    public required HttpClient Http { get; init; }

    public required string PrivateKey { get; init; }

    public TestPaymentMethod? Mpp { get; init; }

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    public string Address => Provider.GetRequiredService<X402ExactMethod>().Address;

    /// <summary>A payer whose x402 wallet signs with <paramref name="signer"/> (no private key configured).</summary>
    public static X402Payer CreateWithSigner(IEvmSigner signer) =>
        Create(x402: o => o.PrivateKey = null, signer: signer);

    public static X402Payer Create(Action<MppOptions>? mpp = null, Action<X402Options>? x402 = null, bool withMppMethod = false, IEvmSigner? signer = null, TimeProvider? time = null)
    {
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)).AddFakeLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        var mppBuilder = services.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerDay["usd"] = "100";
            mpp?.Invoke(o);
        });
        if (signer is not null)
        {
            services.AddSingleton(signer);
        }

        var builder = mppBuilder.AddX402(o =>
        {
            o.PrivateKey = key;
            o.Networks.Add("eip155:84532");
            x402?.Invoke(o);
        });
        TestPaymentMethod? method = null;
        if (withMppMethod)
        {
            method = new TestPaymentMethod();
            builder.AddPaymentMethod(method);
        }

        var provider = services.BuildServiceProvider();
        return new X402Payer
        {
            Provider = provider,
            Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payer"),
            PrivateKey = key,
            Mpp = method,
        };
    }

    public async Task<decimal> SpentAsync(string unit = "usd") =>
        await Provider.GetRequiredService<IPaymentLedger>().GetSpentAsync(unit, null, null, default);

    /// <summary>
    /// Reads the 402 of <paramref name="path"/> with the x402 scheme and has the wallet sign its first requirement, as the
    /// handler would, without sending it: the payment header value and the requirement it answers.
    /// </summary>
    public async Task<(string Header, JsonNode Requirement)> CaptureAsync(Uri baseAddress, string path)
    {
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(new Uri(baseAddress, path));
        var parsed = new List<ChallengeParseResult>();
        await new X402Scheme(TimeProvider.System).ReadChallengesAsync(response, parsed, default);
        var challenge = parsed[0].Challenge ?? throw new InvalidOperationException(parsed[0].Error);
        var (payload, _, _) = await Provider.GetRequiredService<X402ExactMethod>().CreateAsync(X402Requirement.Read(challenge), default);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, path));
        new X402Scheme(TimeProvider.System).ApplyCredential(request, Credential.Create(challenge, payload));
        var header = request.Headers.TryGetValues("X-PAYMENT", out var v1) ? v1.Single() : request.Headers.GetValues("PAYMENT-SIGNATURE").Single();
        var requirement = JsonNode.Parse(challenge.Request.GetProperty("accepted").GetRawText())!;
        return (header, requirement);
    }

    public async Task<List<LedgerEntry>> EntriesAsync()
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in Provider.GetRequiredService<IPaymentLedger>().ListAsync(new LedgerQuery(), default))
        {
            list.Add(e);
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Provider.DisposeAsync();
    }
}
