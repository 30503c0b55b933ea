using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Testing;

public sealed class MppTestServerOptionsTests
{
    [Fact]
    public void Defaults()
    {
        var options = new MppTestServerOptions();

        Assert.Equal("mpp-test", options.Realm);
        Assert.Equal(32, options.SecretKey.Length);
        Assert.NotEqual(options.SecretKey.ToArray(), new MppTestServerOptions().SecretKey.ToArray());
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ChallengeLifetime);
        Assert.Equal("valid-test-token", options.TestToken);
    }

    [Fact]
    public async Task Invalid_options_fail_at_start()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => MppTestServer.StartAsync(new MppTestServerOptions { SecretKey = new byte[31] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MppTestServer.StartAsync(new MppTestServerOptions { ChallengeLifetime = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentException>(() => MppTestServer.StartAsync(new MppTestServerOptions { TestToken = "" }));
    }

    [Fact]
    public async Task Invalid_routes_are_refused()
    {
        await using var server = await MppTestServer.StartAsync();

        Assert.Throws<ArgumentException>(() => server.MapPaid("/none"));
        Assert.Throws<ArgumentException>(() => server.MapPaid("no-slash", new PriceOption("1")));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.MapRedirect("/r", "/x", 200));
    }
}
