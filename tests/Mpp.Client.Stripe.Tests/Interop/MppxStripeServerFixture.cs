using Mpp.Client.TestSupport;

namespace Mpp.Client.Stripe.Tests.Interop;

/// <summary>
/// A fake Stripe on loopback and the reference SDK's own stripe charge method (npm mppx 0.11.0, with the official
/// Stripe Node SDK as its client; both pinned in interop/mppx/package-lock.json) served by
/// <c>interop/mppx/stripe-server.mjs</c>, whose Stripe client points at the fake with the seller's key.
/// </summary>
public sealed class MppxStripeServerFixture : IAsyncLifetime
{
    private NodeServer? _server;

    internal FakeStripe Stripe { get; private set; } = null!;

    public Uri BaseAddress => _server!.BaseAddress;

    public string ServerLog => _server?.Log ?? string.Empty;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        _server = await NodeServer.StartAsync(
            Path.Combine(RepositoryRoot.Path, "interop", "mppx"),
            ["mppx", "stripe"],
            "stripe-server.mjs", "--api-base", Stripe.ApiBase, "--secret-key", Stripe.SellerSecretKey, "--network-id", Stripe.NetworkId);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Stripe is not null)
        {
            await Stripe.DisposeAsync();
        }
    }
}
