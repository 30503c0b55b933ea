using System.Diagnostics;
using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Testing;
using Mpp.Client.Tests.Helpers;

namespace Mpp.Client.Tests.Extensibility;

public sealed class ObserverTimeoutTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync() => _server = await MppTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_observer_that_hangs_and_ignores_its_token_does_not_hold_the_payment()
    {
        _server.MapPaid("/paid", new PriceOption("10"));
        var observer = new HangingObserver();
        await using var client = PayingClient.Create(o => o.ObserverTimeout = TimeSpan.FromMilliseconds(200), b => b.AddObserver(observer));
        var watch = Stopwatch.StartNew();

        using var response = await client.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        Assert.True(observer.Entered >= 2, "the hanging observer was called"); // challenge received, credential created, ...
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == 10 && r.Message.Contains(nameof(HangingObserver), StringComparison.Ordinal));
        Assert.Equal(0.10m, await client.SpentAsync());
    }

    [Fact]
    public async Task ObserverTimeout_outside_its_range_fails_at_creation()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var client = PayingClient.Create(o => o.ObserverTimeout = TimeSpan.FromMilliseconds(1));
            using var response = await client.Http.GetAsync(_server.Url("/free"));
        });

        Assert.Contains("ObserverTimeout", ex.Message, StringComparison.Ordinal);
    }

    private sealed class HangingObserver : IPaymentObserver
    {
        private int _entered;

        public int Entered => Volatile.Read(ref _entered);

        public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Mpp.Client.Protocol.Challenge> challenges, CancellationToken cancellationToken) => Hang();

        public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken) => Hang();

        private ValueTask Hang()
        {
            Interlocked.Increment(ref _entered);
            return new ValueTask(new TaskCompletionSource().Task); // never completes, ignores every token
        }
    }
}
