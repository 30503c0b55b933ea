using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Stripe.Testing;
using Mpp.Client.Tempo;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;

namespace Mpp.Cli.Tests.Support;

/// <summary>
/// A paid API and real rails for the tool to pay: an MppTestServer on loopback with the shipped Tempo and Stripe
/// verifiers, a fake Tempo chain with the payer's key funded, a fake Stripe API in test mode; and a fresh HOME and working
/// folder whose <c>appsettings.json</c> configures the tool as a user would.
/// </summary>
internal sealed class CliWorld : IAsyncDisposable
{
    public const string Payee = "0x2222222222222222222222222222222222222222";

    private CliWorld(FakeTempoChain chain, FakeStripe stripe, MppTestServer server, string root, string privateKey, string payer)
    {
        Chain = chain;
        Stripe = stripe;
        Server = server;
        Root = root;
        PrivateKey = privateKey;
        Payer = payer;
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(WorkDir);
    }

    public FakeTempoChain Chain { get; }

    public FakeStripe Stripe { get; }

    public MppTestServer Server { get; }

    public string Root { get; }

    public string Home => Path.Combine(Root, "home");

    public string WorkDir => Path.Combine(Root, "work");

    public string PrivateKey { get; }

    public string Payer { get; }

    /// <summary>Starts the world: routes /free, /quotes (0.05 usd on Tempo), /report (0.30 usd on Tempo), /news (0.03 usd by card).</summary>
    public static async Task<CliWorld> StartAsync()
    {
        var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var stripe = await FakeStripe.StartAsync();
        var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddTempoVerifier(chain).AddStripeVerifier(stripe));
        server.MapFree("/free", "free for all");
        server.MapPaid("/quotes", Tempo("50000", "Live quotes"));
        server.MapPaid("/report", Tempo("300000", "Market report"));
        server.MapPaid("/news", new PriceOption("3") { Method = "stripe", Recipient = null, Description = "Headlines" });
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var payer = AddressOf(key);
        chain.Fund(TempoChains.PathUsd, payer, 5_000_000);
        var root = Path.Combine(Path.GetTempPath(), "mpp-cli-" + Guid.NewGuid().ToString("N")[..12]);
        var world = new CliWorld(chain, stripe, server, root, key, payer);
        world.WriteConfig(world.DefaultConfig());
        return world;
    }

    public static PriceOption Tempo(string amount, string description) => new(amount, TempoChains.PathUsd)
    {
        Method = "tempo",
        Recipient = Payee,
        Description = description,
        ExtraRequest = new Dictionary<string, JsonElement>
        {
            ["methodDetails"] = JsonSerializer.SerializeToElement(new Dictionary<string, ulong> { ["chainId"] = TempoChains.TestnetChainId }),
        },
    };

    /// <summary>The configuration a user would write: caps, the Tempo key and node, the Stripe test key and card.</summary>
    public JsonObject DefaultConfig() => new()
    {
        ["Mpp"] = new JsonObject
        {
            ["Budget"] = new JsonObject
            {
                ["PerRequest"] = new JsonObject { ["usd"] = "1" },
                ["PerDay"] = new JsonObject { ["usd"] = "0.50" },
            },
            ["Tempo"] = new JsonObject
            {
                ["PrivateKey"] = PrivateKey,
                ["Rpc"] = new JsonObject { ["42431"] = Chain.Endpoint.ToString() },
            },
            ["Stripe"] = new JsonObject
            {
                ["SecretKey"] = Stripe.SecretKey,
                ["PaymentMethod"] = FakeStripe.VisaPaymentMethod,
                ["ApiBase"] = Stripe.ApiBase,
            },
        },
    };

    public void WriteConfig(JsonNode config) => File.WriteAllText(Path.Combine(WorkDir, "appsettings.json"), config.ToJsonString());

    public Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(WorkDir, Home, null, null, args);

    public Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string>? environment, string? stdin, params string[] args) =>
        CliProcess.RunAsync(WorkDir, Home, environment, stdin, args);

    public Task<CliResult> RunInTerminalAsync(string prompt, string typed, params string[] args) =>
        CliProcess.RunInTerminalAsync(WorkDir, Home, prompt, typed, args);

    public string Url(string path) => Server.Url(path).ToString();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Stripe.DisposeAsync();
        await Chain.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The address of a key, as the Tempo wallet derives it (the public API, not a re-implementation).</summary>
    private static string AddressOf(string key)
    {
        var services = new ServiceCollection();
        services.AddMpp().AddTempo(o =>
        {
            o.PrivateKey = key;
            o.Rpc["42431"] = "http://127.0.0.1:1/";
        });
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<TempoAccount>().Address;
    }
}
