using ModelContextProtocol;
using Mpp.Client.Mcp;

namespace Mpp.Client.Mcp.Tests;

/// <summary>
/// The credential is a bearer secret: it is in no log of this package or the core, and in no error the caller gets. The C#
/// MCP SDK's own transports log whole messages at Trace (the README says to keep <c>ModelContextProtocol</c> above Trace):
/// that is the only place it shows up.
/// </summary>
public sealed class SecrecyTests
{
    [Fact]
    public async Task The_credential_is_never_logged_nor_put_in_an_error_message()
    {
        await using var server = await McpTestServer.StartAsync();
        server.AddTool(new McpTestTool("search", new PriceOption("25")));
        server.AddTool(new McpTestTool("never", new PriceOption("25")) { ForcedVerificationFailures = 100 });
        await using var payer = new Payer(o => o.MaxPaymentRounds = 1);
        await using var client = await payer.ConnectAsync(payer.Http(server));

        await client.CallToolAsync("search");
        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await client.CallToolAsync("never"));

        var secret = payer.Wallet.Token;
        Assert.Equal(2, server.CredentialsReceived);
        var logs = payer.Logs.GetSnapshot();
        Assert.Contains(logs, l => l.Category == typeof(McpPaymentTransport).FullName && l.Message.Contains("requires payment", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Trace && l.Message.Contains("tools/call", StringComparison.Ordinal)); // the SDK's request logs are captured
        var leaks = logs.Where(l => l.Message.Contains(secret, StringComparison.Ordinal) || l.Message.Contains(McpPaymentMeta.CredentialKey, StringComparison.Ordinal)).ToList();
        Assert.All(leaks, l => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Trace, l.Level));
        Assert.All(leaks, l => Assert.StartsWith("ModelContextProtocol.", l.Category, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Category is { } c && c.StartsWith("Mpp.Client", StringComparison.Ordinal) && l.Message.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        foreach (System.Collections.DictionaryEntry d in error.Data)
        {
            Assert.DoesNotContain(secret, d.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }
    }
}
