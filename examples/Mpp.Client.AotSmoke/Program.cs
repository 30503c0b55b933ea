// Native AOT smoke test: publish with `.ci/aot-smoke` (dotnet publish -p:PublishAot=true) and run the binary. It binds
// the Mpp section from configuration (source-generated binder), validates options, builds the DI graph and pays a 402
// served by an in-memory handler, then checks that a bad configuration is reported (every problem, with its path), so
// trimming or AOT breakage in the core shows up as a publish warning or a failure here.
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

var challenge = Challenge.Create("aot-1", "aot", "test", "charge",
    JsonDocument.Parse("""{"amount":"5","currency":"usd","recipient":"acct"}""").RootElement, DateTimeOffset.UtcNow.AddMinutes(5)).ToHeaderValue();
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Mpp:Budget:PerDay:usd"] = "1", ["Mpp:AllowedMethods:0"] = "test/charge" })
    .Build();
var services = new ServiceCollection();
services.AddHttpClient("aot").AddMppPayments().ConfigurePrimaryHttpMessageHandler(() => new Server(challenge));
services.AddMpp(configuration.GetSection("Mpp")).AddPaymentMethod(new Wallet());
using var provider = services.BuildServiceProvider();
using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("aot").GetAsync(new Uri("https://aot.example/paid"));
var outcome = response.GetPaymentOutcome();
Console.WriteLine($"{(int)response.StatusCode} {outcome?.Status} {outcome?.Receipt?.Reference}");

// Configuration mistakes are all reported, with their paths, by the source-generated binding and the shape check.
var bad = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Mpp:Budget:PerDya:usd"] = "1", ["Mpp:Budget:Windows:0:Window"] = "banana", ["Mpp:Budget:PerDay:usd"] = "1.O" })
    .Build();
var badServices = new ServiceCollection();
badServices.AddMpp(bad.GetSection("Mpp")).AddPaymentMethod(new Wallet());
badServices.AddHttpClient("aot").AddMppPayments();
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

return response.StatusCode == HttpStatusCode.OK && outcome?.Status == PaymentStatus.Paid && reported == 3 ? 0 : 1;

internal sealed class Wallet : IPaymentMethod
{
    public string Method => "test";

    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PaymentPayload(JsonDocument.Parse("""{"token":"aot"}""").RootElement));
}

internal sealed class Server(string challenge) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var required = new HttpResponseMessage(HttpStatusCode.PaymentRequired);
            required.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
            return Task.FromResult(required);
        }

        var paid = new HttpResponseMessage(HttpStatusCode.OK);
        paid.Headers.TryAddWithoutValidation("Payment-Receipt", new PaymentReceipt("success", "test", "2026-01-01T00:00:00Z", "aot-ref").Serialize());
        return Task.FromResult(paid);
    }
}
