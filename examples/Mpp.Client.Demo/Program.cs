// The README's first command: an agent paying a local MPP server end to end, with every rail that exists.
//
// It starts the Mpp.Client.Testing server on 127.0.0.1 (a real Kestrel server that issues HMAC-bound challenges and
// verifies credentials), an in-process fake Tempo chain (Mpp.Client.Tempo.Testing: a JSON-RPC node on loopback that
// decodes, checks and applies every transaction), registers the payment handler on every HttpClient from the factory
// with the budget in appsettings.json and two wallets — the built-in "test" method and the Tempo wallet with a key
// generated at start-up, funded on the fake chain — and makes a few calls: free, paid, paid with a JSON body, paid in
// pathUSD on Tempo (a signed transaction the server broadcasts), one paid by card through Stripe in test mode (a Shared
// Payment Token minted on an embedded FAKE Stripe API, Mpp.Client.Stripe.Testing — nothing reaches stripe.com), and two
// the budget refuses, and one paid over Lightning: a regtest BOLT11 invoice the server issues, paid through an
// in-process FAKE LND node (Mpp.Client.Lightning.Testing: LND's REST interface over HTTPS, its certificate pinned),
// and one x402 service (Mpp.Client.X402.Testing: an x402 v2 server on loopback that verifies the EIP-3009 authorization
// the x402 wallet signs, as the official facilitator does; USDC on Base Sepolia, nothing reaches a chain).
// Last, a second agent with its own budget streams a paid answer token by token over a Tempo session (a payment
// channel on the fake chain's escrow, one off-chain voucher per token), prints the running cost, and closes the channel.
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mpp.Client.Http;
using Mpp.Client.Lightning.Testing;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Stripe.Testing;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;
using Mpp.Client.X402;
using Mpp.Client.X402.Testing;

var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json")
    .AddEnvironmentVariables()
    .Build();

// The Tempo side: a fake testnet chain, and a payer key generated now (never printed) funded with 5 pathUSD.
await using var chain = await FakeTempoChain.StartAsync(chainId: TempoChains.TestnetChainId);
var tempoKey = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
var tempoPayee = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

// The Stripe side, test mode only: an embedded fake Stripe API on loopback stands in for api.stripe.com.
await using var fakeStripe = await FakeStripe.StartAsync();

// The Lightning side, regtest only: a fake LND node on loopback that can pay the invoices the server issues.
await using var lnd = await FakeLndNode.StartAsync();

// The x402 side: a local x402 resource server, and a payer key for its USDC authorizations (generated now, never printed).
await using var x402 = await X402TestServer.StartAsync();
x402.Map("/joke", new X402TestRoute { Amount = "10000", Body = "Why did the agent pay 0.01? Because the API asked nicely: 402." }); // 0.01 USDC
var x402Key = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

var tempoVerifier = new TempoTestVerifier(chain);
await using var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(tempoVerifier).AddStripeVerifier(fakeStripe).AddLightningVerifier(lnd));
server.MapFree("/hello", "hello, agent");
server.MapPaid("/weather", new PriceOption("5") { Description = "Current weather" });
server.MapPaid("/forecast", new PriceOption("10") { Description = "7-day forecast" });
server.MapPaid("/translate", new PaidRouteOptions { Prices = [new PriceOption("20")], HttpMethods = ["POST"] });
server.MapPaid("/report", new PriceOption("200") { Description = "Market report" });
server.MapPaid("/quotes", new PriceOption("50000", TempoChains.PathUsd)
{
    Method = "tempo",
    Recipient = tempoPayee,
    Description = "Live quotes, paid in pathUSD on Tempo",
    ExtraRequest = new Dictionary<string, System.Text.Json.JsonElement>
    {
        ["methodDetails"] = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, ulong> { ["chainId"] = TempoChains.TestnetChainId }),
    },
});

server.MapPaid("/news", new PriceOption("3") { Method = "stripe", Recipient = null, Description = "Headlines, paid by card through Stripe (test mode)" });
server.MapPaid("/haiku", new PriceOption("210", "sat") { Method = "lightning", Recipient = null, Description = "A haiku, paid over Lightning (regtest)" });

// A metered answer: 0.001 pathUSD per token, streamed as server-sent events and paid per token from a session channel.
string[] answer = ["Payment", " channels", " let", " an", " agent", " pay", " per", " token", ":", " one", " deposit", ",", " then", " signed", " vouchers", "."];
tempoVerifier.MapSessionStream(server, "/chat", new TempoSessionStreamOptions { PricePerToken = "1000", Tokens = answer });

var services = new ServiceCollection();
services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
services.AddHttpClient()
    .AddMppPayments(configuration.GetSection("Mpp"))
    .AddPaymentMethod(new TestPaymentMethod())
    .AddTempo(o =>
    {
        // In an application these come from configuration: Mpp:Tempo:PrivateKey (a secret) and Mpp:Tempo:Rpc:42431.
        o.PrivateKey = tempoKey;
        o.Rpc[TempoChains.TestnetChainId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = chain.Endpoint.ToString();
    })
    .AddStripe(o =>
    {
        // In an application: Mpp:Stripe:SecretKey (a secret, sk_test_… here) and Mpp:Stripe:PaymentMethod; ApiBase points
        // Stripe.net at the fake Stripe.
        o.SecretKey = fakeStripe.SecretKey;
        o.PaymentMethod = FakeStripe.VisaPaymentMethod;
        o.ApiBase = fakeStripe.ApiBase;
    })
    // In an application: Mpp:Lightning:Lnd:RestUrl, MacaroonPath (a macaroon baked for paying only) and TlsCertPath.
    .AddLightning(lnd.Configure)
    .AddX402(o =>
    {
        // In an application: Mpp:X402:PrivateKey (a secret) and Mpp:X402:Networks.
        o.PrivateKey = x402Key;
        o.Networks.Add("eip155:84532"); // Base Sepolia
    })
    .AddObserver(new ConsoleObserver());
await using var provider = services.BuildServiceProvider();
var tempoPayer = provider.GetRequiredService<TempoAccount>().Address;
chain.Fund(TempoChains.PathUsd, tempoPayer, 5_000_000);

var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
http.BaseAddress = server.BaseAddress;
var policy = provider.GetRequiredService<SpendingPolicy>();

Console.WriteLine($"Demo MPP server on {server.BaseAddress} — budget: 1.00 usd per request, 0.50 usd per day");
Console.WriteLine($"Fake Tempo chain {chain.ChainId} on {chain.Endpoint} — our Tempo account {tempoPayer} holds {Usd(chain.BalanceOf(TempoChains.PathUsd, tempoPayer))} pathUSD");
Console.WriteLine();

await Call(() => http.GetAsync("hello"), "GET /hello");
await Call(() => http.GetAsync("weather"), "GET /weather");
await Call(() => http.GetAsync("forecast"), "GET /forecast");
await Call(() => http.GetAsync("quotes"), "GET /quotes (Tempo)");
await Call(() => http.GetAsync("news"), "GET /news (Stripe test mode, on a fake Stripe)");
await Call(() => http.GetAsync("haiku"), "GET /haiku (Lightning regtest, on a fake LND node)");
await Call(() => http.GetAsync(x402.Url("/joke")), "GET /joke (x402 v2, USDC on Base Sepolia, on a local x402 server)");
await Call(() => http.PostAsJsonAsync("translate", new { text = "Bonjour", to = "en" }), "POST /translate");
await Call(() => http.GetAsync("report"), "GET /report");
await Call(() => http.GetAsync("weather"), "GET /weather");
await Call(() => http.GetAsync("forecast"), "GET /forecast");

Console.WriteLine($"Server settled {server.SettledTotal("usd")} cents in test money and {Usd(chain.BalanceOf(TempoChains.PathUsd, tempoPayee))} pathUSD on Tempo; {server.Payments.Count} payments.");
Console.WriteLine($"Our Tempo account now holds {Usd(chain.BalanceOf(TempoChains.PathUsd, tempoPayer))} pathUSD (the fake chain charges no network fee; the wallet reserved one).");
Console.WriteLine($"Fake Stripe (test mode): {fakeStripe.Tokens.Count} Shared Payment Token(s) minted, {fakeStripe.PaymentIntents.Count} PaymentIntent(s) succeeded.");
Console.WriteLine($"Fake LND node (regtest): {lnd.PayAttempts.Count} invoice(s) paid; the server settled {server.SettledTotal("sat")} sat.");
Console.WriteLine($"x402 server: {x402.Payments.Count} authorization(s) verified from {x402.Payments.FirstOrDefault()?.From ?? "nobody"}, {Usd(x402.SettledTotal)} USDC settled.");
Console.WriteLine();

// Every rail paid what it should (CI runs this demo too): a failure is an exit code, not only a line of output.
var everyRail = server.Payments.Count == 7 && chain.BalanceOf(TempoChains.PathUsd, tempoPayee) == 50_000 && fakeStripe.PaymentIntents.Count == 1
    && lnd.PayAttempts.Count == 1 && x402.Payments.Count == 1;
everyRail &= await StreamOverSessionAsync();
Console.WriteLine();
Console.WriteLine(everyRail ? "Every rail paid: test, Tempo (charge and session), Stripe, Lightning and x402." : "Some payment did not go through: see above.");
return everyRail ? 0 : 1;

// A second agent, with its own budget (the deposit is reserved against it when the channel opens), streams a paid
// answer: the request's 402 opens a channel with a 0.10 pathUSD deposit and pays the first token; each further token is
// paid with a voucher the stream asks for (payment-need-voucher). Closing settles what was spent and refunds the rest.
async Task<bool> StreamOverSessionAsync()
{
    var streamer = new ServiceCollection();
    streamer.AddHttpClient()
        .AddMppPayments(o =>
        {
            o.Budget.PerRequest["usd"] = "1.00";
            o.Budget.PerDay["usd"] = "1.00";
        })
        .AddTempo(o =>
        {
            o.PrivateKey = tempoKey;
            o.Rpc[TempoChains.TestnetChainId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = chain.Endpoint.ToString();
            o.Session.MaxDeposit = "0.10"; // Mpp:Tempo:Session:MaxDeposit in an application
        });
    await using var streamerServices = streamer.BuildServiceProvider();
    using var streamerHttp = streamerServices.GetRequiredService<IHttpClientFactory>().CreateClient();
    var sessions = streamerServices.GetRequiredService<TempoSessions>();
    var chat = server.Url("/chat");
    var before = chain.BalanceOf(TempoChains.PathUsd, tempoPayer);

    Console.WriteLine("GET /chat (a metered answer over a Tempo session, 0.001 pathUSD per token)");
    var tokens = 0;
    await foreach (var e in sessions.StreamAsync(streamerHttp, new HttpRequestMessage(HttpMethod.Get, chat)))
    {
        if (e.Kind == TempoStreamEventKind.Data)
        {
            tokens++;
            var cost = 1000 + e.Authorized; // the request's own open paid the first token; vouchers paid the rest
            Console.WriteLine($"    token {tokens,2} {('"' + e.Data + '"'),-12} running cost {Usd(cost)} pathUSD");
        }
        else if (e.Kind == TempoStreamEventKind.Receipt)
        {
            Console.WriteLine($"    in-stream receipt: the server charged {Usd(e.Spent!.Value)} pathUSD for {tokens} tokens");
        }
    }

    var channel = (await sessions.ListChannelsAsync()).Single();
    Console.WriteLine($"    channel {channel.ChannelId[..10]}… deposit {Usd(channel.Deposit)} pathUSD, {tokens - 1} voucher(s) signed off-chain after the open");
    var closed = await sessions.CloseAsync(chat);
    Console.WriteLine($"    closed: spent {Usd(closed.Spent)} pathUSD, refunded {Usd(closed.Refunded)} pathUSD (close transaction {closed.TransactionHash?[..10]}…)");
    Console.WriteLine($"    our Tempo account: {Usd(before)} -> {Usd(chain.BalanceOf(TempoChains.PathUsd, tempoPayer))} pathUSD; the session payee holds {Usd(chain.BalanceOf(TempoChains.PathUsd, tempoVerifier.SessionPayee))} pathUSD");
    return tokens == answer.Length && closed.Spent == 1000 * answer.Length;
}

static string Usd(System.Numerics.BigInteger baseUnits) => ((decimal)baseUnits / 1_000_000m).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);

async Task Call(Func<Task<HttpResponseMessage>> send, string label)
{
    Console.WriteLine(label);
    using var response = await send();
    var outcome = response.GetPaymentOutcome();
    Console.WriteLine($"    -> {(int)response.StatusCode} {response.StatusCode}");
    if (outcome is { Status: PaymentStatus.Paid } paid)
    {
        var r = paid.Receipt;
        var fee = paid.Quote!.DisplayFee is { } f && f > 0 ? $" + {(paid.Quote.Challenge.Method == "lightning" ? "routing" : "network")} fee up to {f} {paid.Quote.Unit}" : string.Empty;
        Console.WriteLine($"    paid {paid.Quote.DisplayAmount} {paid.Quote.Unit}{fee} to {paid.Quote.Recipient} with {paid.Quote.Challenge.Method}; receipt {r?.Reference} ({r?.Status}, {r?.Timestamp})");
    }
    else if (outcome is not null)
    {
        Console.WriteLine($"    not paid ({outcome.Code}): {outcome.Reason}");
    }

    var budgets = (await policy.GetBudgetAsync()).Where(b => b.Name == "PerDay").ToList();
    var day = budgets.FirstOrDefault(b => b.Unit == (outcome?.Quote?.Unit ?? "usd")) ?? budgets[0];
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
