using Microsoft.AspNetCore.Http;
using Mpp.Cli.Tests.Support;

namespace Mpp.Cli.Tests;

/// <summary>curl's habits: -X, -H, -d/--data-binary (with @file), -o, -i.</summary>
public sealed class RequestTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await CliWorld.StartAsync();
        _world.Server.MapHandler("/echo", async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            var text = await body.ReadToEndAsync();
            context.Response.Headers["X-Echo"] = "yes";
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.ContentType} {context.Request.Headers["X-Trace"]} [{text}]");
        });
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Data_posts_a_form_body_and_headers_are_sent()
    {
        var result = await _world.RunAsync(_world.Url("/echo"), "-d", "a=1", "-d", "b=2", "-H", "X-Trace: t-42");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("POST application/x-www-form-urlencoded t-42 [a=1&b=2]", result.Stdout);
    }

    [Fact]
    public async Task Data_from_a_file_drops_newlines_and_data_binary_keeps_them()
    {
        await File.WriteAllTextAsync(Path.Combine(_world.WorkDir, "body.txt"), "line1\nline2\n");

        var data = await _world.RunAsync(_world.Url("/echo"), "-d", "@body.txt");
        var binary = await _world.RunAsync(_world.Url("/echo"), "-X", "PUT", "--data-binary", "@body.txt", "-H", "Content-Type: text/plain");

        Assert.Equal("POST application/x-www-form-urlencoded  [line1line2]", data.Stdout);
        Assert.Equal("PUT text/plain  [line1\nline2\n]", binary.Stdout);
    }

    [Fact]
    public async Task Output_writes_the_body_to_a_file_and_include_prints_the_headers()
    {
        var result = await _world.RunAsync(_world.Url("/quotes"), "-o", "paid.json");
        var include = await _world.RunAsync(_world.Url("/echo"), "-i");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal("""{"paid":true,"path":"/quotes"}""", await File.ReadAllTextAsync(Path.Combine(_world.WorkDir, "paid.json")));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", include.Stdout, StringComparison.Ordinal);
        Assert.Contains("X-Echo: yes\r\n", include.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nGET   []", include.Stdout, StringComparison.Ordinal);
    }
}
