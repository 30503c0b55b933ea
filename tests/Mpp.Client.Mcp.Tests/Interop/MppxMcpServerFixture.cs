using Mpp.Client.TestSupport;

namespace Mpp.Client.Mcp.Tests.Interop;

/// <summary>
/// The live mppx 0.11.0 MCP server (<c>interop/mppx/mcp-server.mjs</c>, on <c>@modelcontextprotocol/sdk</c> 1.32.2, pinned by
/// the folder's package-lock.json) over streamable HTTP on loopback; stdio sessions start their own process.
/// </summary>
public sealed class MppxMcpServerFixture : IAsyncLifetime
{
    private NodeServer? _server;

    public static string Directory => Path.Combine(RepositoryRoot.Path, "interop", "mppx");

    public static string[] Packages => ["mppx", Path.Combine("@modelcontextprotocol", "sdk")];

    public Uri Endpoint => new(_server!.BaseAddress, "mcp");

    public async Task InitializeAsync() =>
        _server = await NodeServer.StartAsync(Directory, Packages, "mcp-server.mjs", "--transport", "http");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
