using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mpp.Client.Testing.Hosting;

/// <summary>
/// A bare Kestrel app on 127.0.0.1 (any free port): the empty builder (no configuration files and their watchers, no
/// environment overrides, no logging providers), no server header, nothing but the handler the caller maps. Compiled
/// into each test-kit package and the core tests from <c>src/Shared/Testing</c>.
/// </summary>
internal static class LoopbackHost
{
    /// <summary>
    /// Creates the app; with <paramref name="certificate"/> it serves HTTPS with that certificate (a fake node's
    /// self-signed one); <paramref name="configure"/> adds to the builder (e.g. the services of an MCP server).
    /// </summary>
    public static WebApplication Create(Action<WebApplicationBuilder>? configure = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(LoopbackHost).Assembly.GetName().Name });
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        configure?.Invoke(builder); // e.g. the services of an MCP server
        return builder.Build();
    }

    /// <summary>Starts the app and returns its base address (with a trailing slash).</summary>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
