using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mpp.Client.TestSupport;

namespace Mpp.Client.X402.Tests.Interop;

/// <summary>
/// <c>interop/x402/server.mjs</c>: live resource servers built with the official middleware (x402-express 1.2.0 for v1,
/// @x402/express 2.27.0 for v2), a local facilitator built with @x402/core and @x402/evm 2.27.0, and a fake EVM JSON-RPC
/// the facilitator's chain calls go to, which checks every transferWithAuthorization it is sent. Installs the pinned
/// packages (interop/x402/package-lock.json) with <c>npm ci</c> when they are missing.
/// </summary>
public sealed class OfficialX402ServerFixture : IAsyncLifetime
{
    public const string PayTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    private NodeServer? _server;

    public Uri BaseAddress => _server!.BaseAddress;

    public string ServerLog => _server?.Log ?? string.Empty;

    public async Task InitializeAsync() =>
        _server = await NodeServer.StartAsync(
            Path.Combine(RepositoryRoot.Path, "interop", "x402"),
            ["@x402/evm", "@x402/express", "x402-express"],
            "server.mjs", "--pay-to", PayTo, "--price", "$0.001");

    /// <summary>The transfers the fake chain accepted (and so the facilitator settled).</summary>
    public async Task<JsonArray> TransfersAsync()
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<JsonArray>(new Uri(BaseAddress, "chain/transfers")))!;
    }

    /// <summary>The official decoder and facilitator's verdict on a payment header for <paramref name="requirements"/>.</summary>
    public async Task<JsonObject> VerifyAsync(string header, JsonNode requirements)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(BaseAddress, "oracle/verify"), new JsonObject { ["header"] = header, ["requirements"] = requirements.DeepClone() });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
