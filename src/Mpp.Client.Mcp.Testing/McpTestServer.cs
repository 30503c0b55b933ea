using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Mpp.Client.Mcp.Testing.Internal;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Mcp.Testing;

/// <summary>
/// A paid MCP server for tests, built with the official C# MCP SDK: streamable HTTP on 127.0.0.1 (<see cref="Endpoint"/>)
/// and in-process streams (<see cref="CreateInProcessTransport"/>). A paid tool, resource or prompt answers <c>-32042</c>
/// with challenges as JSON objects; a credential in <c>params._meta["org.paymentauth/credential"]</c> is judged by
/// <see cref="Payments"/> (an <see cref="MppTestServer"/>: HMAC-bound challenges, expiry, single use, each method's
/// verifier), and the result carries the receipt in <c>result._meta["org.paymentauth/receipt"]</c>.
/// </summary>
public sealed class McpTestServer : IAsyncDisposable
{
    private const int MaxRecorded = 10_000;
    private readonly McpTestServerOptions _options;
    private readonly McpPaywall _paywall;
    private readonly HttpPaywall _httpPaywall;
    private readonly ConcurrentDictionary<string, McpTestTool> _tools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (PriceOption? Price, string Text)> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (PriceOption? Price, string Text)> _prompts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonElement?> _capabilities = new();
    private readonly List<(McpServer Server, Task Run)> _sessions = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _hung = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private McpTestServer(McpTestServerOptions options, MppTestServer payments)
    {
        _options = options;
        Payments = payments;
        _paywall = new McpPaywall(payments, options);
        _httpPaywall = new HttpPaywall(payments, _tools);
    }

    /// <summary>The streamable HTTP endpoint, e.g. <c>http://127.0.0.1:5123/mcp</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The payment side: issued challenges, recorded payments, settled totals, rejections.</summary>
    public MppTestServer Payments { get; }

    /// <summary>How many credentials arrived in <c>_meta</c> (judged or not).</summary>
    public int CredentialsReceived => _paywall.CredentialsReceived;

    /// <summary>
    /// The <c>capabilities.experimental.payment</c> each call's client advertised in <c>initialize</c> (null when it
    /// advertised none), in call order (the latest 10,000).
    /// </summary>
    public IReadOnlyList<JsonElement?> ClientPaymentCapabilities => [.. _capabilities];

    /// <summary>Completes when a tool with <see cref="McpTestTool.HangAfterPayment"/> has accepted a payment and hangs.</summary>
    public Task HungAfterPayment => _hung.Task;

    /// <summary>Starts a server on <c>127.0.0.1</c>, on a port the system picks.</summary>
    public static async Task<McpTestServer> StartAsync(McpTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new McpTestServerOptions();
        var payments = await MppTestServer.StartAsync(options.Payments, cancellationToken).ConfigureAwait(false);
        var server = new McpTestServer(options, payments);
        try
        {
            await server.StartHttpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Adds a tool (paid when it has a price).</summary>
    public McpTestServer AddTool(McpTestTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (tool.Price is { } price)
        {
            Payments.MapPaid(McpPaywall.PathOf(tool.ChargeOverHttp ? "http-tools" : "tools", tool.Name),
                new PaidRouteOptions { Prices = [price], ForcedVerificationFailures = tool.ForcedVerificationFailures });
        }

        _tools[tool.Name] = tool;
        if (tool.ChargeOverHttp)
        {
            _httpPaywall.Activate();
        }

        return this;
    }

    /// <summary>Adds a resource (paid when <paramref name="price"/> is not null).</summary>
    public McpTestServer AddResource(string uri, PriceOption? price, string text = "resource")
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        if (price is not null)
        {
            Payments.MapPaid(McpPaywall.PathOf("resources", uri), price);
        }

        _resources[uri] = (price, text);
        return this;
    }

    /// <summary>Adds a prompt (paid when <paramref name="price"/> is not null).</summary>
    public McpTestServer AddPrompt(string name, PriceOption? price, string text = "prompt")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (price is not null)
        {
            Payments.MapPaid(McpPaywall.PathOf("prompts", name), price);
        }

        _prompts[name] = (price, text);
        return this;
    }

    /// <summary>How many times the body of a tool, resource or prompt ran (paid calls count once they are paid).</summary>
    public int CallsOf(string name) => _calls.TryGetValue(name, out var n) ? n : 0;

    /// <summary>A client transport to a new in-process session of this server (two pipes, no network).</summary>
    public IClientTransport CreateInProcessTransport()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var options = new McpServerOptions();
        Configure(options);
        var session = McpServer.Create(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream(), _options.ServerName), options);
        lock (_sessions)
        {
            _sessions.Add((session, session.RunAsync(_stopping.Token)));
        }

        return new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        (McpServer Server, Task Run)[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        foreach (var (server, run) in sessions)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        await Payments.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"MCP test server {Endpoint}";

    private async Task StartHttpAsync(CancellationToken cancellationToken)
    {
        var app = LoopbackHost.Create(builder =>
        {
            builder.Services.AddRouting();
            builder.Services.AddMcpServer(Configure).WithHttpTransport();
        });
        app.Use(_httpPaywall.InvokeAsync);
        app.MapMcp("/mcp");
        _app = app;
        var baseAddress = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        Endpoint = new Uri(baseAddress, "mcp");
    }

    private void Configure(McpServerOptions options)
    {
        options.ServerInfo = new Implementation { Name = _options.ServerName, Version = "1.0.0" };
        options.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult
        {
            Tools = [.. _tools.Values.Select(static t => new Tool { Name = t.Name, Description = t.Price is null ? "free" : "paid: " + t.Price, InputSchema = McpPaywall.EmptySchema })],
        });
        options.Handlers.CallToolHandler = CallToolAsync;
        options.Handlers.ListResourcesHandler = (_, _) => ValueTask.FromResult(new ListResourcesResult
        {
            Resources = [.. _resources.Keys.Select(static uri => new Resource { Uri = uri, Name = uri })],
        });
        options.Handlers.ReadResourceHandler = ReadResourceAsync;
        options.Handlers.ListPromptsHandler = (_, _) => ValueTask.FromResult(new ListPromptsResult
        {
            Prompts = [.. _prompts.Keys.Select(static name => new Prompt { Name = name })],
        });
        options.Handlers.GetPromptHandler = GetPromptAsync;
        options.Filters.Message.IncomingFilters.Add(_paywall.Filter(PaidPathOf));
    }

    /// <summary>The payment route of a request for a paid tool, resource or prompt of this server; null for anything else.</summary>
    private string? PaidPathOf(JsonRpcRequest request)
    {
        string? Param(string name) => request.Params is JsonObject p && p[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return request.Method switch
        {
            RequestMethods.ToolsCall when Param("name") is { } name && _tools.TryGetValue(name, out var tool) && tool.Price is not null && !tool.ChargeOverHttp
                => McpPaywall.PathOf("tools", name),
            RequestMethods.ResourcesRead when Param("uri") is { } uri && _resources.TryGetValue(uri, out var resource) && resource.Price is not null
                => McpPaywall.PathOf("resources", uri),
            RequestMethods.PromptsGet when Param("name") is { } name && _prompts.TryGetValue(name, out var prompt) && prompt.Price is not null
                => McpPaywall.PathOf("prompts", name),
            _ => null,
        };
    }

    private async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var name = context.Params?.Name ?? string.Empty;
        if (!_tools.TryGetValue(name, out var tool))
        {
            throw new ModelContextProtocol.McpProtocolException($"Unknown tool: '{name}'", ModelContextProtocol.McpErrorCode.InvalidParams);
        }

        RecordCapability(context.Server);
        JsonObject? receipt = null;
        if (tool.Price is not null && !tool.ChargeOverHttp)
        {
            var gate = McpPaywall.VerdictOf(context);
            if (gate.Refusal is { } refusal)
            {
                return refusal;
            }

            receipt = gate.Receipt;
        }

        _calls.AddOrUpdate(name, 1, static (_, n) => n + 1);
        if (tool.HangAfterPayment)
        {
            _hung.TrySetResult();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = tool.Text ?? name + " ok" }],
            Meta = receipt is null ? null : new JsonObject { [McpPaymentMeta.ReceiptKey] = receipt },
        };
    }

    private ValueTask<ReadResourceResult> ReadResourceAsync(RequestContext<ReadResourceRequestParams> context, CancellationToken cancellationToken)
    {
        var uri = context.Params?.Uri ?? string.Empty;
        if (!_resources.TryGetValue(uri, out var resource))
        {
            throw new ModelContextProtocol.McpProtocolException($"Unknown resource: '{uri}'", ModelContextProtocol.McpErrorCode.InvalidParams);
        }

        RecordCapability(context.Server);
        var receipt = resource.Price is null ? null : McpPaywall.VerdictOf(context).Receipt;
        _calls.AddOrUpdate(uri, 1, static (_, n) => n + 1);
        return ValueTask.FromResult(new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, Text = resource.Text }],
            Meta = receipt is null ? null : new JsonObject { [McpPaymentMeta.ReceiptKey] = receipt },
        });
    }

    private ValueTask<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> context, CancellationToken cancellationToken)
    {
        var name = context.Params?.Name ?? string.Empty;
        if (!_prompts.TryGetValue(name, out var prompt))
        {
            throw new ModelContextProtocol.McpProtocolException($"Unknown prompt: '{name}'", ModelContextProtocol.McpErrorCode.InvalidParams);
        }

        RecordCapability(context.Server);
        var receipt = prompt.Price is null ? null : McpPaywall.VerdictOf(context).Receipt;
        _calls.AddOrUpdate(name, 1, static (_, n) => n + 1);
        return ValueTask.FromResult(new GetPromptResult
        {
            Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = prompt.Text } }],
            Meta = receipt is null ? null : new JsonObject { [McpPaymentMeta.ReceiptKey] = receipt },
        });
    }

    private void RecordCapability(McpServer server)
    {
        while (_capabilities.Count >= MaxRecorded && _capabilities.TryDequeue(out _))
        {
        }

        _capabilities.Enqueue(server.ClientCapabilities?.Experimental is { } experimental
            && experimental.TryGetValue(McpPaymentMeta.CapabilityName, out var payment) && payment is JsonElement e ? e.Clone() : null);
    }
}
