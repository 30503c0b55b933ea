using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Lightning.Invoices;
using Mpp.Client.Lightning.Testing;
using Mpp.Client.Testing;
using NBitcoin;

namespace Mpp.Client.Lightning.Tests.Support;

/// <summary>A fake LND node over HTTPS, an MppTestServer with its lightning verifier, and a payer configured from settings.</summary>
internal sealed class LightningHarness : IAsyncDisposable
{
    private LightningHarness(FakeLndNode node, MppTestServer server, TimeProvider time)
    {
        Node = node;
        Server = server;
        Time = time;
    }

    public FakeLndNode Node { get; }

    public MppTestServer Server { get; }

    public TimeProvider Time { get; }

    public static async Task<LightningHarness> StartAsync(Action<MppTestServerOptions>? server = null)
    {
        var node = await FakeLndNode.StartAsync();
        var options = new MppTestServerOptions();
        server?.Invoke(options);
        options.AddLightningVerifier(node);
        return new LightningHarness(node, await MppTestServer.StartAsync(options), options.TimeProvider);
    }

    /// <summary>A lightning price in sat; <paramref name="methodDetails"/> replaces the verifier's (a hostile invoice).</summary>
    public static PriceOption Price(string amount, object? methodDetails = null, string currency = "sat")
    {
        Dictionary<string, JsonElement>? members = null;
        if (methodDetails is not null)
        {
            members = new() { ["methodDetails"] = JsonSerializer.SerializeToElement(methodDetails) };
        }

        return new PriceOption(amount, currency) { Method = "lightning", Recipient = null, ExtraRequest = members };
    }

    public Dictionary<string, string?> Settings() => new()
    {
        ["Mpp:Budget:PerDay:sat"] = "100000",
        ["Mpp:Lightning:Network"] = "regtest",
        ["Mpp:Lightning:MaxFeeSat"] = "5",
        ["Mpp:Lightning:Lnd:RestUrl"] = Node.RestUrl.ToString(),
        ["Mpp:Lightning:Lnd:Macaroon"] = Node.MacaroonHex,
        ["Mpp:Lightning:Lnd:TlsCert"] = Node.CertificatePem,
    };

    public ServiceProvider Payer(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, Action<MppBuilder>? add = null)
    {
        var all = Settings();
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var builder = collection.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp"));
        (add ?? (b => b.AddLightning()))(builder);
        return collection.BuildServiceProvider();
    }

    /// <summary>A signed regtest invoice the node can pay, written field by field (to make hostile ones).</summary>
    public static (string Invoice, string Hash, byte[] Preimage) Invoice(
        Key? key = null, long? amountMsat = 100_000, LightningNetwork network = LightningNetwork.Regtest, DateTimeOffset? timestamp = null,
        long expiry = 3600, bool explicitPayee = false, Key? claimedPayee = null, bool corrupt = false)
    {
        key ??= new Key();
        var preimage = RandomNumberGenerator.GetBytes(32);
        var hash = SHA256.HashData(preimage);
        var encoder = new Bolt11Encoder(network, amountMsat, timestamp ?? DateTimeOffset.UtcNow)
            .PaymentSecret(RandomNumberGenerator.GetBytes(32))
            .PaymentHash(hash)
            .Description("hostile")
            .Expiry(expiry)
            .Features(8, 14);
        if (explicitPayee || claimedPayee is not null)
        {
            encoder.PayeeNodeId((claimedPayee ?? key).PubKey);
        }

        return (encoder.Sign(key, corrupt), Convert.ToHexStringLower(hash), preimage);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Node.DisposeAsync();
    }
}
