using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Testing;

namespace Mpp.Client.Stripe.Tests.Support;

/// <summary>A fake Stripe, an MppTestServer with its stripe verifier, and a payer configured from settings.</summary>
internal sealed class StripeHarness : IAsyncDisposable
{
    private StripeHarness(FakeStripe stripe, MppTestServer server)
    {
        Stripe = stripe;
        Server = server;
    }

    public FakeStripe Stripe { get; }

    public MppTestServer Server { get; }

    public static async Task<StripeHarness> StartAsync(Action<MppTestServerOptions>? server = null)
    {
        var stripe = await FakeStripe.StartAsync();
        var options = new MppTestServerOptions().AddStripeVerifier(stripe);
        server?.Invoke(options);
        return new StripeHarness(stripe, await MppTestServer.StartAsync(options));
    }

    /// <summary>A stripe price; <paramref name="extra"/> adds request members (e.g. its own methodDetails, externalId).</summary>
    public static PriceOption Price(string amount, string currency = "usd", object? extra = null)
    {
        Dictionary<string, JsonElement>? members = null;
        if (extra is not null)
        {
            members = JsonSerializer.SerializeToElement(extra).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        }

        return new PriceOption(amount, currency) { Method = "stripe", Recipient = null, ExtraRequest = members };
    }

    public ServiceProvider Payer(Dictionary<string, string?>? settings = null, Action<MppBuilder>? add = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "100",
            ["Mpp:Budget:PerDay:jpy"] = "100000",
            ["Mpp:Budget:PerDay:kwd"] = "100",
            ["Mpp:Stripe:SecretKey"] = Stripe.SecretKey,
            ["Mpp:Stripe:PaymentMethod"] = FakeStripe.VisaPaymentMethod,
            ["Mpp:Stripe:ApiBase"] = Stripe.ApiBase,
        };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var builder = collection.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp"));
        (add ?? (b => b.AddStripe()))(builder);
        return collection.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
