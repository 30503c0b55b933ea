using Mpp.Client.TestSupport;

namespace Mpp.Client.Tests.Interop;

/// <summary>
/// Starts the reference SDK's server (npm mppx, pinned in interop/mppx/package-lock.json) on loopback. Installs the pinned
/// packages with <c>npm ci</c> when they are missing, so <c>dotnet test</c> works on a fresh clone.
/// </summary>
public sealed class MppxServerFixture : IAsyncLifetime
{
    private NodeServer? _server;

    public Uri BaseAddress => _server!.BaseAddress;

    public async Task InitializeAsync() =>
        _server = await NodeServer.StartAsync(Path.Combine(RepositoryRoot.Path, "interop", "mppx"), ["mppx"], "server.mjs");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
