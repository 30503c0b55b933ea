extern alias x402;

using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using x402::Mpp.Client.X402.Exact;
using NBitcoinKey = NBitcoin.Secp256k1.ECPrivKey;
using X402Builder = x402::Microsoft.Extensions.DependencyInjection.X402MppBuilderExtensions;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// x402 credential creation through the public surface of <c>AddX402()</c>: the wallet builds an EIP-3009
/// <c>TransferWithAuthorization</c> (fresh random nonce), hashes it as EIP-712 typed data under the token's domain, signs
/// it with the built-in key, writes the payment payload JSON, and the scheme encodes the header (standard base64) — v2
/// (<c>PAYMENT-SIGNATURE</c>, with <c>accepted</c> echoed) and v1 (<c>X-PAYMENT</c>). The baseline is the floor any
/// credential pays, measured in the same run: a bare secp256k1 sign of a 32-byte digest with recovery id
/// (NBitcoin.Secp256k1 <c>ECPrivKey.TrySignECDSA</c>, the signer the wallet uses).
/// </summary>
[MemoryDiagnoser]
public class X402CredentialBenchmarks
{
    private readonly byte[] _digest = Convert.FromHexString("4a5c5d454721bbbb25540c3317521e71c373ae36458f960d2ad46ef088110e95");
    private NBitcoinKey _key = null!;
    private ServiceProvider _provider = null!;
    private IPaymentMethod _method = null!;
    private IHttpPaymentScheme _scheme = null!;
    private PaymentAttempt _v1 = null!;
    private PaymentAttempt _v2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keyHex = TempoCredentialBenchmarks.PrivateKeyHex;
        _key = NBitcoinKey.Create(Convert.FromHexString(keyHex[2..]));
        var services = new ServiceCollection();
        X402Builder.AddX402(services.AddMpp(o => o.AllowUncappedUnits = true), o =>
        {
            o.PrivateKey = keyHex;
            o.Networks.Add("eip155:84532");
        });
        _provider = services.BuildServiceProvider();
        _method = _provider.GetServices<IPaymentMethod>().Single(m => m.Method == "x402");
        _scheme = _provider.GetServices<IHttpPaymentScheme>().Single(s => s.Name == "x402");
        _v1 = Attempt(1);
        _v2 = Attempt(2);
        if (!V2().StartsWith("eyJ", StringComparison.Ordinal) || !V1().StartsWith("eyJ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The x402 header is not base64 of a JSON object.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _provider.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int BareSignNBitcoin()
    {
        _key.TrySignECDSA(_digest, null, out var recoveryId, out var signature);
        return signature is null ? -1 : recoveryId;
    }

    [Benchmark]
    public string V2() => Header(_v2);

    [Benchmark]
    public string V1() => Header(_v1);

    /// <summary>Everything in <see cref="V2"/> but the signature (a fixed one is written instead).</summary>
    [Benchmark]
    public string V2WithoutSigning()
    {
        var method = (X402ExactMethod)_method;
        var requirement = X402Requirement.Read(_v2.Quote.Challenge);
        var (authorization, _) = method.Prepare(requirement);
        var payload = method.Write(requirement, authorization, FixedSignature);
        using var request = new HttpRequestMessage(HttpMethod.Get, _v2.Quote.RequestUri);
        _scheme.ApplyCredential(request, Credential.Create(_v2.Quote.Challenge, payload));
        return request.Headers.GetValues("PAYMENT-SIGNATURE").First();
    }

    private static readonly byte[] FixedSignature = Convert.FromHexString(
        "1c55a1f2e7d8fba6c7c6a4c5e3a17b1d2e7c8b9a0f1e2d3c4b5a69788796a5b4" + "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80910" + "1b");

    private string Header(PaymentAttempt attempt)
    {
        var payload = _method.CreatePayloadAsync(attempt, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        using var request = new HttpRequestMessage(HttpMethod.Get, attempt.Quote.RequestUri);
        _scheme.ApplyCredential(request, Credential.Create(attempt.Quote.Challenge, payload.Payload));
        return request.Headers.TryGetValues("PAYMENT-SIGNATURE", out var v2) ? v2.First() : request.Headers.GetValues("X-PAYMENT").First();
    }

    /// <summary>A 402 as the official servers send it, read by the scheme; the quote policy would make of it.</summary>
    private PaymentAttempt Attempt(int version)
    {
        var uri = new Uri("https://api.example.com/weather");
        var requirement = new JsonObject
        {
            ["scheme"] = "exact",
            ["network"] = version == 1 ? "base-sepolia" : "eip155:84532",
            [version == 1 ? "maxAmountRequired" : "amount"] = "1000",
            ["payTo"] = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            ["maxTimeoutSeconds"] = 60,
            ["asset"] = "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            ["extra"] = new JsonObject { ["name"] = "USDC", ["version"] = "2" },
        };
        var body = new JsonObject { ["x402Version"] = version, ["accepts"] = new JsonArray(requirement) };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.PaymentRequired) { RequestMessage = request, Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        if (version == 2)
        {
            body["resource"] = new JsonObject { ["url"] = uri.ToString() };
            response.Headers.TryAddWithoutValidation("PAYMENT-REQUIRED", Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ToJsonString())));
        }
        else
        {
            response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var parsed = new List<ChallengeParseResult>();
        _scheme.ReadChallengesAsync(response, parsed, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var challenge = parsed.Single().Challenge ?? throw new InvalidOperationException(parsed[0].Error);
        var terms = _method.ReadTerms(challenge);
        var quote = new PaymentQuote(challenge, terms, uri, new AssetInfo(terms.Currency, 6, "usd"), 0.001m);
        return new PaymentAttempt(quote, Guid.NewGuid(), _provider.GetRequiredService<IPaymentLedger>());
    }
}
