using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;

namespace Mpp.Client.X402.Tests.Http;

/// <summary>Keys and payment headers (bearer credentials) never reach a log, an outcome or an exception message.</summary>
public sealed class X402SecretsTests : IAsyncLifetime
{
    private X402TestServer _server = null!;

    public async Task InitializeAsync() => _server = await X402TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Neither_the_key_nor_the_payment_header_nor_the_signature_is_logged(int version)
    {
        _server.Map("/weather", new X402TestRoute { Version = version });
        await using var payer = X402Payer.Create();
        var (header, _) = await payer.CaptureAsync(_server.BaseAddress, "weather");
        var signature = (string)System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(header))!["payload"]!["signature"]!;

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));
        using var refused = await payer.Http.GetAsync(_server.Url("/weather")); // and a second payment, to log more

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var logs = payer.Logs.GetSnapshot();
        Assert.NotEmpty(logs); // the handler did log (at trace), so the check below can fail
        var text = new StringBuilder();
        foreach (var record in logs)
        {
            text.AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var kv in record.StructuredState ?? [])
            {
                text.Append(kv.Key).Append('=').AppendLine(kv.Value);
            }
        }

        var all = text.ToString();
        Assert.DoesNotContain(payer.PrivateKey[2..], all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(header[..40], all, StringComparison.Ordinal);
        Assert.DoesNotContain("X-PAYMENT: ", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("PAYMENT-SIGNATURE: ", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(signature[2..40], all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(payer.PrivateKey[2..], payer.Provider.GetRequiredService<X402.Exact.X402ExactMethod>().ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
