using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mpp.Cli.Tests.Support;

namespace Mpp.Cli.Tests;

/// <summary><c>mpp discover</c> against OpenAPI documents served by a real loopback server.</summary>
public sealed class DiscoverTests : IAsyncLifetime
{
    private const string Valid = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Quotes", "version": "1.0.0" },
          "paths": {
            "/quotes": {
              "get": {
                "x-payment-info": { "offers": [
                  { "intent": "charge", "method": "tempo", "amount": "50000", "currency": "0x20c0000000000000000000000000000000000000" },
                  { "intent": "charge", "method": "stripe", "amount": null, "currency": "usd", "description": "Varies" } ] },
                "responses": { "200": { "description": "ok" }, "402": { "description": "Payment Required" } }
              }
            },
            "/news": {
              "post": {
                "x-payment-info": { "intent": "charge", "method": "stripe", "amount": "3", "currency": "usd" },
                "responses": { "402": { "description": "Payment Required" } }
              }
            },
            "/free": { "get": { "responses": { "200": { "description": "ok" } } } }
          }
        }
        """;

    private const string Invalid = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Broken" },
          "paths": {
            "/a": { "get": { "x-payment-info": { "intent": "buy", "method": "tempo", "amount": "007" }, "responses": {} } },
            "/b": { "get": { "x-payment-info": { "offers": [], "extra": 1 }, "responses": { "402": {} } } }
          }
        }
        """;

    private CliWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await CliWorld.StartAsync();
        _world.Server.MapHandler("/openapi.json", c => Serve(c, Valid));
        _world.Server.MapHandler("/broken/openapi.json", c => Serve(c, Invalid));
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Discover_lists_every_priced_operation()
    {
        var table = await _world.RunAsync("discover", _world.Url("/anything"));
        var json = await _world.RunAsync("discover", _world.Url("/"), "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var rows = table.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("GET /quotes", StringComparison.Ordinal) && r.Contains("tempo", StringComparison.Ordinal) && r.Contains("0.05 usd", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("GET /quotes", StringComparison.Ordinal) && r.Contains("stripe", StringComparison.Ordinal) && r.Contains("dynamic", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("POST /news", StringComparison.Ordinal) && r.Contains("0.03 usd", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Contains("/free", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.True(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(3, doc.RootElement.GetProperty("offers").GetArrayLength());
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task Discover_names_every_rule_a_document_breaks_and_exits_8()
    {
        var result = await _world.RunAsync("discover", _world.Url("/broken/openapi.json"));
        var missing = await _world.RunAsync("discover", _world.Url("/nowhere/openapi.json"));

        Assert.True(result.ExitCode == 8, result.ToString());
        Assert.Contains("info.title and info.version are required", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("GET /a: intent must be", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("GET /a: amount is required", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("GET /a: a payable operation must declare a 402 response", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("GET /b: x-payment-info.offers must be a non-empty array", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(8, missing.ExitCode);
        Assert.Contains("answered 404", missing.Stderr, StringComparison.Ordinal);
    }

    private static Task Serve(HttpContext context, string body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }
}
