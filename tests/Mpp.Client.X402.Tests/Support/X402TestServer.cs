using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Testing.Hosting;
using Nethereum.Signer.EIP712;

namespace Mpp.Client.X402.Tests.Support;

/// <summary>
/// An x402 resource server on loopback Kestrel (v1 or v2 per route) that verifies each payment as the official
/// facilitator does — with Nethereum's own EIP-712 implementation, independent of the wallet's: the signature recovers to
/// <c>from</c>, <c>to</c> is <c>payTo</c>, <c>value</c> is exactly the price, the window holds now and 6 more seconds,
/// the nonce is fresh — and answers 200 with a settlement header, or 402 again.
/// </summary>
internal sealed class X402TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, X402Route> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _nonces = new(StringComparer.OrdinalIgnoreCase);
    private int _headersReceived;
    private int _mppPaid;

    private X402TestServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every payment the server accepted.</summary>
    public ConcurrentQueue<JsonObject> Accepted { get; } = new();

    /// <summary>Why payments were refused.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>How many requests carried an x402 payment header.</summary>
    public int PaymentHeadersReceived => Volatile.Read(ref _headersReceived);

    /// <summary>How many requests carried an <c>Authorization: Payment</c> credential.</summary>
    public int MppPaid => Volatile.Read(ref _mppPaid);

    public static async Task<X402TestServer> StartAsync()
    {
        var app = LoopbackHost.Create();
        var server = new X402TestServer(app);
        app.Run(server.HandleAsync);
        server.BaseAddress = await LoopbackHost.StartAsync(app);
        return server;
    }

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    public void Map(string path, X402Route route) => _routes[path] = route;

    public BigInteger SettledTotal => Accepted.Aggregate(BigInteger.Zero, (s, p) => s + BigInteger.Parse((string)p["value"]!, CultureInfo.InvariantCulture));

    private async Task HandleAsync(HttpContext context)
    {
        if (!_routes.TryGetValue(context.Request.Path.Value ?? "", out var route))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var url = $"{BaseAddress.GetLeftPart(UriPartial.Authority)}{context.Request.Path}";
        var requirement = Requirement(route, url);
        if (context.Request.Headers.Authorization.ToString().StartsWith("Payment ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _mppPaid);
            await context.Response.WriteAsync("paid by MPP");
            return;
        }

        var header = route.Version == 1 ? context.Request.Headers["X-PAYMENT"].ToString() : context.Request.Headers["PAYMENT-SIGNATURE"].ToString();
        if (header.Length > 0)
        {
            Interlocked.Increment(ref _headersReceived);
            var (payer, refusal) = Verify(route, requirement, header);
            if (route.RefuseAll && refusal is null)
            {
                refusal = "settle_failed";
            }

            if (refusal is null)
            {
                var settlement = new JsonObject
                {
                    ["success"] = true,
                    ["transaction"] = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                    ["network"] = (string?)requirement["network"],
                    ["payer"] = payer,
                };
                context.Response.Headers[route.Version == 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(settlement.ToJsonString()));
                await context.Response.WriteAsync("paid by x402");
                return;
            }

            Refused.Enqueue(refusal);
            await Write402Async(context, route, requirement, url, refusal);
            return;
        }

        await Write402Async(context, route, requirement, url, "payment required");
    }

    private static JsonObject Requirement(X402Route route, string url)
    {
        var r = new JsonObject
        {
            ["scheme"] = route.Scheme,
            ["network"] = route.Version == 1 && route.Network.StartsWith("eip155:", StringComparison.Ordinal) ? "base-sepolia" : route.Network,
            [route.Version == 1 ? "maxAmountRequired" : "amount"] = route.Amount,
        };
        if (route.Version == 1)
        {
            r["resource"] = route.Resource ?? url;
            r["description"] = "weather";
            r["mimeType"] = "";
        }

        r["payTo"] = route.PayTo;
        r["maxTimeoutSeconds"] = route.MaxTimeoutSeconds;
        r["asset"] = route.Asset;
        r["extra"] = new JsonObject { ["name"] = route.DomainName, ["version"] = route.DomainVersion };
        return r;
    }

    private static async Task Write402Async(HttpContext context, X402Route route, JsonObject requirement, string url, string error)
    {
        context.Response.StatusCode = 402;
        if (route.OfferMpp)
        {
            var request = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["amount"] = "1", ["currency"] = "usd" });
            var challenge = Challenge.Create("mpp-" + Guid.NewGuid().ToString("N"), context.Request.Host.Value ?? "", "test", "charge", request);
            context.Response.Headers.WWWAuthenticate = challenge.ToHeaderValue();
        }

        context.Response.ContentType = "application/json";
        if (route.Version == 1)
        {
            var body = route.RawBody ?? new JsonObject { ["x402Version"] = 1, ["error"] = error, ["accepts"] = new JsonArray(requirement.DeepClone()) }.ToJsonString();
            await context.Response.WriteAsync(body);
            return;
        }

        var required = new JsonObject
        {
            ["x402Version"] = 2,
            ["error"] = error,
            ["resource"] = new JsonObject { ["url"] = route.Resource ?? url, ["description"] = "weather", ["mimeType"] = "" },
            ["accepts"] = new JsonArray(requirement.DeepClone()),
        };
        context.Response.Headers["PAYMENT-REQUIRED"] = route.RawPaymentRequired ?? Convert.ToBase64String(Encoding.UTF8.GetBytes(required.ToJsonString()));
        await context.Response.WriteAsync("{}");
    }

    private (string? Payer, string? Refusal) Verify(X402Route route, JsonObject requirement, string header)
    {
        JsonObject payment;
        try
        {
            payment = JsonNode.Parse(Convert.FromBase64String(header))!.AsObject(); // standard base64, as the official servers
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (null, "invalid_payload");
        }

        if ((int?)payment["x402Version"] != route.Version)
        {
            return (null, "invalid_x402_version");
        }

        if (route.Version == 2 && !JsonNode.DeepEquals(payment["accepted"], requirement))
        {
            return (null, "accepted_mismatch");
        }

        if (route.Version == 1 && ((string?)payment["scheme"] != route.Scheme || (string?)payment["network"] != (string?)requirement["network"]))
        {
            return (null, "scheme_or_network_mismatch");
        }

        var inner = payment["payload"]!.AsObject();
        var auth = inner["authorization"]!.AsObject();
        var signature = (string)inner["signature"]!;
        var from = (string)auth["from"]!;
        if (signature.Length != 132 || !(signature.EndsWith("1b", StringComparison.Ordinal) || signature.EndsWith("1c", StringComparison.Ordinal)))
        {
            return (from, "invalid_signature_shape");
        }

        var typedData = $$$"""
            {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
            "TransferWithAuthorization":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"validAfter","type":"uint256"},{"name":"validBefore","type":"uint256"},{"name":"nonce","type":"bytes32"}]},
            "primaryType":"TransferWithAuthorization",
            "domain":{"name":"{{{route.DomainName}}}","version":"{{{route.DomainVersion}}}","chainId":{{{route.ChainId}}},"verifyingContract":"{{{route.Asset}}}"},
            "message":{"from":"{{{from}}}","to":"{{{auth["to"]}}}","value":"{{{auth["value"]}}}","validAfter":"{{{auth["validAfter"]}}}","validBefore":"{{{auth["validBefore"]}}}","nonce":"{{{auth["nonce"]}}}"}}
            """;
        var recovered = new Eip712TypedDataSigner().RecoverFromSignatureV4(typedData, signature);
        if (!string.Equals(recovered, from, StringComparison.OrdinalIgnoreCase))
        {
            return (from, "invalid_exact_evm_payload_signature");
        }

        if (!string.Equals((string?)auth["to"], route.PayTo, StringComparison.OrdinalIgnoreCase))
        {
            return (from, "invalid_exact_evm_payload_recipient_mismatch");
        }

        if ((string?)auth["value"] != route.Amount)
        {
            return (from, "invalid_exact_evm_payload_authorization_value");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (long.Parse((string)auth["validBefore"]!, CultureInfo.InvariantCulture) < now + 6)
        {
            return (from, "invalid_exact_evm_payload_authorization_valid_before");
        }

        if (long.Parse((string)auth["validAfter"]!, CultureInfo.InvariantCulture) > now)
        {
            return (from, "invalid_exact_evm_payload_authorization_valid_after");
        }

        if (!_nonces.TryAdd((string)auth["nonce"]!, true))
        {
            return (from, "nonce_already_used");
        }

        Accepted.Enqueue(auth);
        return (from, null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
