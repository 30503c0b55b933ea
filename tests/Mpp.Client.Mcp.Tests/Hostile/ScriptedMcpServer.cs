using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Mcp.Tests.Hostile;

/// <summary>
/// A real MCP server (C# SDK, streamable HTTP on 127.0.0.1) that answers every <c>tools/call</c> with whatever its script
/// returns: a JSON-RPC error with any code and <c>data</c>, or any result — the shapes a broken or hostile paid server
/// could send. The script sees how many calls came before and the credential in <c>params._meta</c>, if any.
/// </summary>
internal sealed class ScriptedMcpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject?> _credentials = new();
    private int _calls;

    private ScriptedMcpServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The credential of every call (null for a call without one), in order.</summary>
    public IReadOnlyList<JsonObject?> Credentials => [.. _credentials];

    public int CredentialsReceived => _credentials.Count(c => c is not null);

    public static async Task<ScriptedMcpServer> StartAsync(Func<int, JsonObject?, ScriptedAnswer> script)
    {
        ScriptedMcpServer? self = null;
        var app = LoopbackHost.Create(builder =>
        {
            builder.Services.AddRouting();
            builder.Services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "scripted", Version = "1.0.0" };
                o.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult());
                o.Handlers.CallToolHandler = (_, _) => ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "unscripted" }] });
                o.Filters.Message.IncomingFilters.Add(next => async (context, cancellationToken) =>
                {
                    if (context.JsonRpcMessage is not JsonRpcRequest { Method: RequestMethods.ToolsCall } request)
                    {
                        await next(context, cancellationToken);
                        return;
                    }

                    var credential = (request.Params?["_meta"] as JsonObject)?[McpPaymentMeta.CredentialKey] as JsonObject;
                    self!._credentials.Enqueue((JsonObject?)credential?.DeepClone());
                    var answer = script(Interlocked.Increment(ref self._calls) - 1, credential);
                    JsonRpcMessage message = answer.ErrorCode is { } code
                        ? new JsonRpcError { Id = request.Id, Error = new JsonRpcErrorDetail { Code = code, Message = answer.Message, Data = answer.Json is { } d ? JsonElement.Parse(d) : null } }
                        : new JsonRpcResponse { Id = request.Id, Result = JsonNode.Parse(answer.Json!) };
                    await context.Server.SendMessageAsync(message, cancellationToken);
                });
            }).WithHttpTransport();
        });
        app.MapMcp("/mcp");
        self = new ScriptedMcpServer(app);
        self.Endpoint = new Uri(await LoopbackHost.StartAsync(app), "mcp");
        return self;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>One scripted answer: an error (code, message, <c>data</c> JSON or none) or a result (its JSON).</summary>
internal sealed record ScriptedAnswer(int? ErrorCode, string Message, string? Json)
{
    public static ScriptedAnswer Error(int code, string? data, string message = "scripted error") => new(code, message, data);

    public static ScriptedAnswer Result(string json) => new(null, string.Empty, json);

    /// <summary>A plain successful tool result, with the receipt JSON in <c>_meta</c> when given.</summary>
    public static ScriptedAnswer Paid(string? receipt) => Result(
        "{\"content\":[{\"type\":\"text\",\"text\":\"paid ok\"}]" + (receipt is null ? string.Empty : ",\"_meta\":{\"" + McpPaymentMeta.ReceiptKey + "\":" + receipt + "}") + "}");
}
