using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Mpp.Client.Mcp;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// <c>--mcp-floor [rounds] [n]</c>: the floor of the MCP paid/free ratio on this SDK and transport — the same two round trips
/// as a paid call with messages of the same shape and size (a <c>-32042</c> error carrying real issued challenges, then the
/// resend with a real credential in <c>params._meta</c>, answered with a receipt in <c>result._meta</c>), but no payment
/// work on either side: the server answers canned bytes and checks nothing, the client resends a canned credential with no
/// selection, policy, ledger or wallet. What the C# MCP SDK and streamable HTTP cost for a paid call's messages alone.
/// </summary>
internal static class McpFloorDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = args.SkipWhile(a => a != "--mcp-floor").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => int.TryParse(a, out var v) ? v : 0).Where(v => v > 0).ToArray();
        var rounds = numbers.Length > 0 ? numbers[0] : 15;
        var n = numbers.Length > 1 ? numbers[1] : 200;

        // Real bytes: challenges issued by MppTestServer for a 1-cent route, a TestPaymentMethod-shaped credential, a receipt.
        await using var payments = await MppTestServer.StartAsync();
        payments.MapPaid("/tools/paid", new PriceOption("1"));
        var challenges = await payments.IssueChallengesAsync("/tools/paid");
        var data = ErrorData(challenges);
        var credential = CredentialNode(challenges[0]);
        var receipt = new JsonObject
        {
            ["status"] = "success",
            ["method"] = challenges[0].Method,
            ["timestamp"] = "2026-12-01T06:00:00Z",
            ["reference"] = "test-" + Guid.NewGuid().ToString("N"),
            ["challengeId"] = challenges[0].Id,
        };

        var app = LoopbackHost.Create(builder =>
        {
            builder.Services.AddRouting();
            builder.Services.AddMcpServer(o => Configure(o, data, receipt)).WithHttpTransport();
        });
        app.MapMcp("/mcp");
        var endpoint = new Uri(await LoopbackHost.StartAsync(app), "mcp");
        try
        {
            using var http = new HttpClient();
            var inner = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }, http);
            await using var client = await McpClient.CreateAsync(new ShapeTransport(inner, credential));
            Func<Task<int>> free = async () => (await client.CallToolAsync("free")).Content.Count;
            Func<Task<int>> paid = async () =>
            {
                var result = await client.CallToolAsync("paid");
                return result.GetPaymentReceipt() is null ? throw new InvalidOperationException("no receipt") : result.Content.Count;
            };
            for (var i = 0; i < 3000; i++)
            {
                await free();
                await paid();
            }

            var frees = new List<(double Wall, double Cpu, long Allocated)>();
            var paids = new List<(double Wall, double Cpu, long Allocated)>();
            for (var r = 0; r < rounds; r++)
            {
                if (r % 2 == 0)
                {
                    frees.Add(await TimeAsync(free, n));
                    paids.Add(await TimeAsync(paid, n));
                }
                else
                {
                    paids.Add(await TimeAsync(paid, n));
                    frees.Add(await TimeAsync(free, n));
                }
            }

            double Median(Func<(double Wall, double Cpu, long Allocated), double> f) => paids.Zip(frees, (p, q) => f(p) / f(q)).Order().ElementAt(rounds / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mcp floor (paid-shaped / free, no payment work): median {Median(s => s.Wall):F2}x wall, {Median(s => s.Cpu):F2}x CPU over {rounds} rounds x {n} calls; mean free {frees.Average(s => s.Wall) / n * 1000:F0} us ({frees.Average(s => s.Cpu) / n * 1000:F0} us CPU), paid-shaped {paids.Average(s => s.Wall) / n * 1000:F0} us ({paids.Average(s => s.Cpu) / n * 1000:F0} us CPU); allocated per call (client and server) free {frees.Average(s => s.Allocated) / n / 1024.0:F1} KB, paid-shaped {paids.Average(s => s.Allocated) / n / 1024.0:F1} KB; error data {data.GetRawText().Length} B, credential {credential.ToJsonString().Length} B"));
            return 0;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task<(double Wall, double Cpu, long Allocated)> TimeAsync(Func<Task<int>> call, int n)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await call();
        }

        var wall = watch.Elapsed.TotalMilliseconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static void Configure(McpServerOptions options, JsonElement data, JsonObject receipt)
    {
        var members = data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        options.ServerInfo = new Implementation { Name = "floor", Version = "1.0.0" };
        options.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult());
        options.Handlers.CallToolHandler = (context, _) => ValueTask.FromResult(context.Params?.Name == "paid"
            ? new CallToolResult { Content = [new TextContentBlock { Text = "paid ok" }], Meta = new JsonObject { [McpPaymentMeta.ReceiptKey] = receipt.DeepClone() } }
            : new CallToolResult { Content = [new TextContentBlock { Text = "free ok" }] });
        options.Filters.Message.IncomingFilters.Add(next => async (context, cancellationToken) =>
        {
            if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall } request
                && request.Params is JsonObject p && p["name"]?.GetValue<string>() == "paid"
                && (p["_meta"] as JsonObject)?[McpPaymentMeta.CredentialKey] is null)
            {
                await context.Server.SendMessageAsync(new JsonRpcError
                {
                    Id = request.Id,
                    Error = new JsonRpcErrorDetail { Code = McpPaymentMeta.PaymentRequiredCode, Message = "Payment Required", Data = members },
                }, cancellationToken);
                return;
            }

            await next(context, cancellationToken);
        });
    }

    /// <summary>The <c>-32042</c> error's data in the shape <c>McpTestServer</c>'s paywall writes.</summary>
    private static JsonElement ErrorData(IReadOnlyList<Challenge> challenges)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("httpStatus", 402);
            writer.WriteStartArray("challenges");
            foreach (var c in challenges)
            {
                var json = new ArrayBufferWriter<byte>(512);
                c.WriteJson(json, requestAsObject: true);
                writer.WriteRawValue(json.WrittenSpan, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("problem");
            writer.WriteString("type", PaymentProblem.TypeUri(PaymentProblemType.PaymentRequired));
            writer.WriteString("title", "Payment Required");
            writer.WriteNumber("status", 402);
            writer.WriteString("detail", "Payment required for access.");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private static JsonObject CredentialNode(Challenge challenge)
    {
        var payload = JsonElement.Parse("{\"token\":\"" + Guid.NewGuid().ToString("N") + "\"}");
        var buffer = new ArrayBufferWriter<byte>();
        Credential.Create(challenge, payload).WriteJson(buffer, requestAsObject: true);
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>A client transport that answers a <c>-32042</c> by resending the request with a canned credential: the wire work of a paid call, no payment work.</summary>
    private sealed class ShapeTransport(IClientTransport inner, JsonObject credential) : IClientTransport
    {
        public string Name => inner.Name;

        public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
            new ShapeSession(await inner.ConnectAsync(cancellationToken), credential);
    }

    private sealed class ShapeSession : ITransport
    {
        private readonly ITransport _inner;
        private readonly JsonObject _credential;
        private readonly Channel<JsonRpcMessage> _incoming = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
        private readonly ConcurrentDictionary<RequestId, JsonRpcRequest> _sent = new();
        private readonly ConcurrentDictionary<RequestId, RequestId> _resent = new();
        private readonly Task _pump;
        private long _count;

        public ShapeSession(ITransport inner, JsonObject credential)
        {
            _inner = inner;
            _credential = credential;
            _pump = Task.Run(PumpAsync);
        }

        public string? SessionId => _inner.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => _incoming.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            if (message is JsonRpcRequest { Method: RequestMethods.ToolsCall } request)
            {
                _sent[request.Id] = request;
            }

            return _inner.SendMessageAsync(message, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _inner.DisposeAsync();
            try
            {
                await _pump.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex) when (ex is OperationCanceledException or ClientTransportClosedException or TimeoutException)
            {
                // the session closed under the pump
            }
        }

        private async Task PumpAsync()
        {
            try
            {
                await foreach (var message in _inner.MessageReader.ReadAllAsync())
                {
                    if (message is JsonRpcMessageWithId withId)
                    {
                        if (_resent.TryRemove(withId.Id, out var original) && message is JsonRpcResponse answer)
                        {
                            _incoming.Writer.TryWrite(new JsonRpcResponse { Id = original, Result = answer.Result, Context = answer.Context });
                            continue;
                        }

                        if (_sent.TryRemove(withId.Id, out var request) && message is JsonRpcError { Error.Code: McpPaymentMeta.PaymentRequiredCode })
                        {
                            var parameters = (JsonObject)request.Params!.DeepClone();
                            var meta = parameters["_meta"] as JsonObject ?? [];
                            meta[McpPaymentMeta.CredentialKey] = _credential.DeepClone();
                            parameters["_meta"] = meta;
                            var id = new RequestId("floor-" + Interlocked.Increment(ref _count).ToString(CultureInfo.InvariantCulture));
                            _resent[id] = request.Id;
                            _ = _inner.SendMessageAsync(new JsonRpcRequest { Id = id, Method = request.Method, Params = parameters, Context = request.Context });
                            continue;
                        }
                    }

                    _incoming.Writer.TryWrite(message);
                }
            }
            finally
            {
                _incoming.Writer.TryComplete();
            }
        }
    }
}
