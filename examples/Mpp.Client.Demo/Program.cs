// The README's first command: an agent paying a local MPP server end to end.
//
// It starts the Mpp.Client.Testing server on 127.0.0.1 (a real Kestrel server that issues HMAC-bound challenges and
// verifies credentials of the built-in "test" method), registers the payment handler on every HttpClient from the
// factory with the budget in appsettings.json, and makes a few calls: free, paid, paid with a JSON body, and two the
// budget refuses.
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json")
    .AddEnvironmentVariables()
    .Build();

await using var server = await MppTestServer.StartAsync();
server.MapFree("/hello", "hello, agent");
server.MapPaid("/weather", new PriceOption("5") { Description = "Current weather" });
server.MapPaid("/forecast", new PriceOption("10") { Description = "7-day forecast" });
server.MapPaid("/translate", new PaidRouteOptions { Prices = [new PriceOption("20")], HttpMethods = ["POST"] });
server.MapPaid("/report", new PriceOption("200") { Description = "Market report" });

var services = new ServiceCollection();
services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
services.AddHttpClient()
    .AddMppPayments(configuration.GetSection("Mpp"))
    .AddPaymentMethod(new TestPaymentMethod())
    .AddObserver(new ConsoleObserver());
await using var provider = services.BuildServiceProvider();

var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
http.BaseAddress = server.BaseAddress;
var policy = provider.GetRequiredService<SpendingPolicy>();

Console.WriteLine($"Demo MPP server on {server.BaseAddress} — budget: 1.00 usd per request, 0.40 usd per day");
Console.WriteLine();

await Call(() => http.GetAsync("hello"), "GET /hello");
await Call(() => http.GetAsync("weather"), "GET /weather");
await Call(() => http.GetAsync("forecast"), "GET /forecast");
await Call(() => http.PostAsJsonAsync("translate", new { text = "Bonjour", to = "en" }), "POST /translate");
await Call(() => http.GetAsync("report"), "GET /report");
await Call(() => http.GetAsync("weather"), "GET /weather");
await Call(() => http.GetAsync("forecast"), "GET /forecast");

Console.WriteLine($"Server settled {server.SettledTotal("usd")} cents in {server.Payments.Count} payments.");
return 0;

async Task Call(Func<Task<HttpResponseMessage>> send, string label)
{
    Console.WriteLine(label);
    using var response = await send();
    var outcome = response.GetPaymentOutcome();
    Console.WriteLine($"    -> {(int)response.StatusCode} {response.StatusCode}");
    if (outcome is { Status: PaymentStatus.Paid } paid)
    {
        var r = paid.Receipt;
        Console.WriteLine($"    paid {paid.Quote!.DisplayAmount} {paid.Quote.Unit} to {paid.Quote.Recipient}; receipt {r?.Reference} ({r?.Status}, {r?.Timestamp})");
    }
    else if (outcome is not null)
    {
        Console.WriteLine($"    not paid ({outcome.Code}): {outcome.Reason}");
    }

    var day = (await policy.GetBudgetAsync()).First(b => b.Name == "PerDay");
    Console.WriteLine($"    budget left today: {day.Remaining:0.00} {day.Unit} (spent {day.Spent:0.00} of {day.Cap:0.00})");
    Console.WriteLine();
}

internal sealed class ConsoleObserver : IPaymentObserver
{
    public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken)
    {
        Console.WriteLine($"    402 with {challenges.Count} challenge(s): {string.Join(", ", challenges.Select(c => $"{c.Method}/{c.Intent}"))}");
        return default;
    }

    public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken)
    {
        Console.WriteLine($"    credential created for {quote.DisplayAmount} {quote.Unit} (challenge {quote.Challenge.Id[..8]}…)");
        return default;
    }
}
