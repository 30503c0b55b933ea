using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Testing.Internal;

/// <summary>
/// An HTTP-level paywall in front of the MCP endpoint: a POST calling a tool with <see cref="McpTestTool.ChargeOverHttp"/>
/// is answered <c>402</c> with <c>WWW-Authenticate: Payment</c>, and let through with <c>Payment-Receipt</c> once paid.
/// </summary>
internal sealed class HttpPaywall(MppTestServer payments, ConcurrentDictionary<string, McpTestTool> tools)
{
    private volatile bool _active;

    /// <summary>Turns the paywall on, once a tool with <see cref="McpTestTool.ChargeOverHttp"/> was added (until then every request passes untouched).</summary>
    public void Activate() => _active = true;

    /// <summary>The middleware: a request passes straight through (no async state machine) while no tool is charged over HTTP.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        _active && HttpMethods.IsPost(context.Request.Method) ? ChargeAsync(context, next) : next(context);

    private async Task ChargeAsync(HttpContext context, RequestDelegate next)
    {

        context.Request.EnableBuffering();
        string? toolName = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("method", out var m) && m.ValueEquals("tools/call")
                && root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                toolName = n.GetString();
            }
        }
        catch (JsonException)
        {
        }

        context.Request.Body.Position = 0;
        if (toolName is null || !tools.TryGetValue(toolName, out var tool) || !tool.ChargeOverHttp || tool.Price is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var path = McpPaywall.PathOf("http-tools", toolName);
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization && authorization.StartsWith("Payment ", StringComparison.OrdinalIgnoreCase))
        {
            CredentialVerification? verdict = null;
            try
            {
                verdict = await payments.VerifyAsync(Credential.Parse(authorization), path, context.RequestAborted).ConfigureAwait(false);
            }
            catch (MppFormatException)
            {
                // a malformed credential is not a payment: answered with a fresh 402 below
            }

            if (verdict is { Succeeded: true })
            {
                context.Response.Headers["Payment-Receipt"] = verdict.Receipt!.Serialize();
                await next(context).ConfigureAwait(false);
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status402PaymentRequired;
        foreach (var challenge in await payments.IssueChallengesAsync(path, context.RequestAborted).ConfigureAwait(false))
        {
            context.Response.Headers.Append("WWW-Authenticate", challenge.ToHeaderValue());
        }
    }
}
