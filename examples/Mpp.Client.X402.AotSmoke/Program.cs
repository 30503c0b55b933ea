// Native AOT smoke test of Mpp.Client.X402: publish with `.ci/aot-smoke` (PublishAot, trim/AOT warnings are errors) and
// run the binary. It binds Mpp:X402 from configuration (source-generated binder), builds the DI graph and pays an x402
// v2 402 served by an in-memory handler (EIP-712 digest, NBitcoin.Secp256k1 signature, Keccak and EIP-55 from
// Nethereum.Util, payload JSON, base64), then checks that a bad x402 configuration is reported, every problem at once.
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Mpp:Budget:PerDay:usd"] = "1",
        ["Mpp:X402:PrivateKey"] = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        ["Mpp:X402:Networks:0"] = "eip155:84532",
    })
    .Build();
var services = new ServiceCollection();
services.AddHttpClient("aot").AddMppPayments().ConfigurePrimaryHttpMessageHandler(() => new Server());
services.AddMpp(configuration.GetSection("Mpp")).AddX402();
using var provider = services.BuildServiceProvider();
using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("aot").GetAsync(new Uri("https://aot.example/paid"));
var outcome = response.GetPaymentOutcome();
Console.WriteLine($"{(int)response.StatusCode} {outcome?.Status} {outcome?.Receipt?.Reference} {string.Join("; ", outcome?.Rejections ?? [])}");

var bad = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Mpp:Budget:PerDay:usd"] = "1", ["Mpp:X402:PrivateKey"] = "0x12", ["Mpp:X402:Networks:0"] = "base" })
    .Build();
var badServices = new ServiceCollection();
badServices.AddHttpClient("aot").AddMppPayments();
badServices.AddMpp(bad.GetSection("Mpp")).AddX402();
using var badProvider = badServices.BuildServiceProvider();
var reported = 0;
try
{
    badProvider.GetRequiredService<IHttpClientFactory>().CreateClient("aot");
}
catch (OptionsValidationException ex)
{
    reported = ex.Failures.Count();
    Console.WriteLine(string.Join(Environment.NewLine, ex.Failures));
}

return response.StatusCode == HttpStatusCode.OK && outcome?.Status == PaymentStatus.Paid && reported == 2 ? 0 : 1;

internal sealed class Server : HttpMessageHandler
{
    private const string Required = """{"x402Version":2,"resource":{"url":"https://aot.example/paid"},"accepts":[{"scheme":"exact","network":"eip155:84532","amount":"1000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}}]}""";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValues("PAYMENT-SIGNATURE", out var values))
        {
            // RequestMessage set as real handlers do: the scheme checks the resource is on the request's origin.
            var required = new HttpResponseMessage(HttpStatusCode.PaymentRequired) { RequestMessage = request, Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            required.Headers.TryAddWithoutValidation("PAYMENT-REQUIRED", Convert.ToBase64String(Encoding.UTF8.GetBytes(Required)));
            return Task.FromResult(required);
        }

        using var payment = JsonDocument.Parse(Convert.FromBase64String(values.Single()));
        var signature = payment.RootElement.GetProperty("payload").GetProperty("signature").GetString()!;
        var paid = new HttpResponseMessage(signature.Length == 132 ? HttpStatusCode.OK : HttpStatusCode.PaymentRequired) { RequestMessage = request };
        paid.Headers.TryAddWithoutValidation("PAYMENT-RESPONSE", Convert.ToBase64String("""{"success":true,"transaction":"0xabc","network":"eip155:84532"}"""u8));
        return Task.FromResult(paid);
    }
}
