using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Mpp.Client.Http;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Internal;

/// <summary>
/// A connected MCP session seen from the client: passes every message through, except that it adds the payment capability
/// to <c>initialize</c>, and holds back a paid method's <c>-32042</c> answer while <see cref="PaymentCoordinator"/> pays it
/// (resending the request with the credential under a fresh id), then hands the client the final answer under its own id.
/// </summary>
internal sealed class PayingSessionTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly PaymentCoordinator _coordinator;
    private readonly McpPaymentOptions _options;
    private readonly Uri _server;
    private readonly ILogger _logger;
    // Synchronous continuations: the SDK's reader loop takes a message on the writer's thread (it only starts the
    // message's handling there, then yields before running it), which saves a thread hop per answer. Nothing of the
    // caller's runs inline: the SDK hands every message to the thread pool before handling it.
    private readonly Channel<JsonRpcMessage> _incoming = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly ConcurrentDictionary<RequestId, JsonRpcRequest> _payable = new();
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage?>> _resends = new();
    private readonly ConcurrentDictionary<RequestId, InFlightPayment> _paying = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _pump;
    private readonly string _resendPrefix = "mpp-" + Guid.NewGuid().ToString("N")[..8] + "-";
    private const string ClientCapabilitiesMetaKey = "io.modelcontextprotocol/clientCapabilities";
    private long _resendCount;
    private JsonObject? _capability;
    private ResourceName? _lastResource;
    private int _disposed;

    public PayingSessionTransport(ITransport inner, PaymentCoordinator coordinator, McpPaymentOptions options, Uri server, ILogger logger)
    {
        _inner = inner;
        _coordinator = coordinator;
        _options = options;
        _server = server;
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public string? SessionId => _inner.SessionId;

    public ChannelReader<JsonRpcMessage> MessageReader => _incoming.Reader;

    public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        switch (message)
        {
            case JsonRpcRequest request:
                if (_options.AdvertiseCapability)
                {
                    AddCapability(request);
                }

                if (_options.PaidMethods.Contains(request.Method))
                {
                    _payable[request.Id] = request; // before sending: the answer may arrive before SendMessageAsync returns
                }

                break;
            case JsonRpcNotification { Method: "notifications/cancelled" } cancelled when RequestIdOf(cancelled.Params?["requestId"]) is { } id:
                _payable.TryRemove(id, out _);
                if (_paying.TryGetValue(id, out var payment))
                {
                    await payment.CancelAsync().ConfigureAwait(false);
                    if (payment.ResendId is { } resendId)
                    {
                        var p = cancelled.Params!.DeepClone();
                        p["requestId"] = JsonValue.Create(resendId.ToString());
                        message = new JsonRpcNotification { Method = cancelled.Method, Params = p, Context = cancelled.Context };
                    }
                }

                break;
        }

        try
        {
            await _inner.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch when (message is JsonRpcRequest r)
        {
            _payable.TryRemove(r.Id, out _);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _closing.Dispose();
    }

    internal ITransport Inner => _inner;

    /// <summary>Sends <paramref name="request"/> again with <paramref name="credential"/> in <c>params._meta</c>, under a fresh id.</summary>
    internal async Task<(RequestId Id, Task<JsonRpcMessage?> Answer)> SendPaidAsync(JsonRpcRequest request, Credential credential, CancellationToken cancellationToken)
    {
        var id = new RequestId(_resendPrefix + Interlocked.Increment(ref _resendCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var parameters = WithCredential(request.Params as JsonObject, credential);
        var answer = new TaskCompletionSource<JsonRpcMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _resends[id] = answer;
        if (_pump.IsCompleted)
        {
            answer.TrySetResult(null);
        }

        try
        {
            await _inner.SendMessageAsync(new JsonRpcRequest { Id = id, Method = request.Method, Params = parameters, Context = request.Context }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _resends.TryRemove(id, out _);
            throw;
        }

        return (id, answer.Task);
    }

    internal void Forget(RequestId resendId) => _resends.TryRemove(resendId, out _);

    /// <summary>
    /// The request's params with the credential added to <c>_meta</c>, written in one pass and parsed back lazily (the
    /// node stays backed by its bytes until something reads it; the SDK only writes it out): no deep copy of the params
    /// and no node tree for the credential.
    /// </summary>
    internal static JsonObject WithCredential(JsonObject? original, Credential credential)
    {
        using var buffer = new PooledBufferWriter(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var metaWritten = false;
            if (original is not null)
            {
                foreach (var (name, value) in original)
                {
                    writer.WritePropertyName(name);
                    if (name == "_meta" && value is JsonObject meta)
                    {
                        WriteMeta(writer, meta, credential);
                        metaWritten = true;
                    }
                    else if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(writer);
                    }
                }
            }

            if (!metaWritten)
            {
                writer.WritePropertyName("_meta");
                WriteMeta(writer, null, credential);
            }

            writer.WriteEndObject();
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    private static void WriteMeta(Utf8JsonWriter writer, JsonObject? meta, Credential credential)
    {
        writer.WriteStartObject();
        if (meta is not null)
        {
            foreach (var (name, value) in meta)
            {
                if (name == McpPaymentMeta.CredentialKey)
                {
                    continue; // replaced below
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        writer.WritePropertyName(McpPaymentMeta.CredentialKey);
        writer.Flush();
        using var credentialJson = new PooledBufferWriter(1024);
        credential.WriteJson(credentialJson, requestAsObject: true); // the MCP form: challenge.request as an object
        writer.WriteRawValue(credentialJson.WrittenSpan, skipInputValidation: true);
        writer.WriteEndObject();
    }

    private async Task PumpAsync()
    {
        Exception? failure = null;
        try
        {
            await foreach (var message in _inner.MessageReader.ReadAllAsync(_closing.Token).ConfigureAwait(false))
            {
                if (message is JsonRpcMessageWithId withId)
                {
                    if (_resends.TryRemove(withId.Id, out var waiting))
                    {
                        waiting.TrySetResult(message);
                        continue;
                    }

                    if (_payable.TryRemove(withId.Id, out var request) && ReadChallenges(message) is { } required)
                    {
                        // Paid off the pump: the approver, the observers, the wallet and the ledger never run on it (nor
                        // hold it). Queued locally: the pump's thread takes it up as soon as the pump waits again.
                        // Registered here, before the pump reads on: a notifications/cancelled sent from now on finds it.
                        var payment = new InFlightPayment(_closing.Token);
                        _paying[request.Id] = payment;
                        ThreadPool.QueueUserWorkItem(
                            static s => _ = s.Self.PayAsync(s.Request, s.Message, s.Challenges, s.Problem, s.Payment),
                            (Self: this, Request: request, Message: message, required.Challenges, required.Problem, Payment: payment),
                            preferLocal: true);
                        continue;
                    }
                }

                _incoming.Writer.TryWrite(message);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            foreach (var pair in _resends)
            {
                pair.Value.TrySetResult(null); // the transport closed: no answer will come
            }

            _incoming.Writer.TryComplete(failure);
        }
    }

    /// <summary>The challenges of a payment-required answer: a <c>-32042</c> error with <c>data.challenges</c>, or a result with <c>_meta["org.paymentauth/payment-required"]</c>.</summary>
    internal static (IReadOnlyList<ChallengeParseResult> Challenges, PaymentProblem? Problem)? ReadChallenges(JsonRpcMessage message)
    {
        var data = message switch
        {
            JsonRpcError { Error.Code: McpPaymentMeta.PaymentRequiredCode } e => McpPaymentData.ToElement(e.Error.Data),
            JsonRpcResponse r when McpPaymentData.MetaOf(r.Result)?[McpPaymentMeta.PaymentRequiredKey] is { } node => McpPaymentData.Parse(node),
            _ => null,
        };
        return McpPaymentData.TryReadChallenges(data, out var challenges, out var problem) ? (challenges, problem) : null;
    }

    private async Task PayAsync(JsonRpcRequest request, JsonRpcMessage firstAnswer, IReadOnlyList<ChallengeParseResult> challenges, PaymentProblem? problem, InFlightPayment payment)
    {
        var resource = ResourceOf(request);
        try
        {
            Log.PaymentRequired(_logger, request.Method, resource, challenges.Count);
            var exchange = new McpPaymentExchange(this, request, payment);
            var context = new PaymentContext(resource) { ClientBudget = _options.ClientBudget, Problem = problem };
            PaymentOutcome outcome;
            try
            {
                outcome = await _coordinator.PayAsync(context, challenges, exchange, payment.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled before any credential existed: nothing was paid. A closing session answers nobody.
                if (!_closing.IsCancellationRequested)
                {
                    _incoming.Writer.TryWrite(Failure(request, firstAnswer, new PaymentOutcome(PaymentStatus.Refused) { Reason = "The call was cancelled before it was paid." }));
                }

                return;
            }

            Log.PaymentFinished(_logger, request.Method, resource, outcome.Status, outcome.Code);
            if (outcome.Status == PaymentStatus.Paid && exchange.LastAnswer is JsonRpcResponse paid)
            {
                _incoming.Writer.TryWrite(new JsonRpcResponse { Id = request.Id, Result = paid.Result, Context = paid.Context });
            }
            else
            {
                _incoming.Writer.TryWrite(Failure(request, exchange.LastAnswer ?? firstAnswer, outcome));
            }
        }
        catch (Exception ex)
        {
            // Never reached by design (the coordinator reports failures in its outcome); the caller still gets an answer.
            Log.PaymentCrashed(_logger, request.Method, resource, ex.GetType().Name);
            _incoming.Writer.TryWrite(Failure(request, firstAnswer, new PaymentOutcome(PaymentStatus.Unknown) { Reason = "The payment failed unexpectedly (" + ex.GetType().Name + ")." }));
        }
        finally
        {
            _paying.TryRemove(request.Id, out _);
            payment.Dispose();
        }
    }

    /// <summary>The error the caller gets for a payment not completed: the server's code and data, with the outcome added.</summary>
    private static JsonRpcError Failure(JsonRpcRequest request, JsonRpcMessage answer, PaymentOutcome outcome)
    {
        var (code, data) = answer switch
        {
            JsonRpcError e => (e.Error.Code, McpPaymentData.ToElement(e.Error.Data)),
            JsonRpcResponse r when McpPaymentData.MetaOf(r.Result)?[McpPaymentMeta.PaymentRequiredKey] is { } node => (McpPaymentMeta.PaymentRequiredCode, McpPaymentData.Parse(node)),
            _ => (McpPaymentMeta.PaymentRequiredCode, null),
        };
        var body = data is { ValueKind: JsonValueKind.Object } d ? JsonNode.Parse(d.GetRawText())!.AsObject() : [];
        var status = outcome.Status.ToString();
        var reason = outcome.Reason ?? status;
        body[McpPaymentMeta.FailureStatusKey] = status;
        body[McpPaymentMeta.FailureCodeKey] = outcome.Code?.ToString();
        body[McpPaymentMeta.FailureReasonKey] = reason;
        if (code == McpPaymentMeta.PaymentRequiredCode && !body.ContainsKey("elicitations"))
        {
            // -32042 is also MCP's URLElicitationRequired: the C# SDK (2.4.0) reads such an error's data as URL elicitations
            // and throws a JsonException when "elicitations" is missing; an empty list lets it raise McpProtocolException.
            body["elicitations"] = new JsonArray();
        }
        var message = outcome.Status switch
        {
            PaymentStatus.Refused => "Payment required and not paid: " + reason,
            PaymentStatus.Rejected => "Payment rejected: " + reason,
            _ => "Payment outcome unknown: " + reason,
        };
        return new JsonRpcError
        {
            Id = request.Id,
            Error = new JsonRpcErrorDetail { Code = code, Message = message, Data = McpPaymentData.Parse(body) },
            Context = answer.Context,
        };
    }

    private Uri ResourceOf(JsonRpcRequest request)
    {
        string? Param(string name) => request.Params is JsonObject p && p[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var key = request.Method switch
        {
            "tools/call" or "prompts/get" => Param("name") ?? string.Empty,
            "resources/read" => Param("uri") ?? string.Empty,
            _ => string.Empty,
        };

        // The last one is kept: an agent calls the same paid tool again and again, and a Uri is costly to build.
        if (Volatile.Read(ref _lastResource) is { } last && last.Method == request.Method && last.Key == key)
        {
            return last.Resource;
        }

        var relative = request.Method switch
        {
            "tools/call" => "tools/" + Uri.EscapeDataString(key),
            "prompts/get" => "prompts/" + Uri.EscapeDataString(key),
            "resources/read" => "resources/read?uri=" + Uri.EscapeDataString(key),
            _ => Uri.EscapeDataString(request.Method),
        };
        var resource = new Uri(_server, relative);
        Volatile.Write(ref _lastResource, new ResourceName(request.Method, key, resource));
        return resource;
    }

    private sealed record ResourceName(string Method, string Key, Uri Resource);

    /// <summary>
    /// Advertises the payable methods as <c>capabilities.experimental.payment</c> (draft § "MCP Capability
    /// Advertisement"): in <c>initialize</c>, and in the per-request client capabilities of sessions that have no
    /// <c>initialize</c> (MCP 2026-07-28, <c>_meta["io.modelcontextprotocol/clientCapabilities"]</c>). A capability the
    /// caller set itself is kept.
    /// </summary>
    private void AddCapability(JsonRpcRequest request)
    {
        JsonObject? capabilities;
        if (request.Method == "initialize")
        {
            if (request.Params is not JsonObject parameters)
            {
                return;
            }

            capabilities = parameters["capabilities"] as JsonObject;
            if (capabilities is null)
            {
                capabilities = [];
                parameters["capabilities"] = capabilities;
            }
        }
        else
        {
            capabilities = McpPaymentData.MetaOf(request.Params)?[ClientCapabilitiesMetaKey] as JsonObject;
            if (capabilities is null)
            {
                return;
            }
        }

        if (capabilities["experimental"] is not JsonObject experimental)
        {
            experimental = [];
            capabilities["experimental"] = experimental;
        }

        if (!experimental.ContainsKey(McpPaymentMeta.CapabilityName))
        {
            experimental[McpPaymentMeta.CapabilityName] = (_capability ??= BuildCapability()).DeepClone();
        }
    }

    private JsonObject BuildCapability()
    {
        var methods = new JsonObject();
        foreach (var m in _coordinator.GetPayableMethods())
        {
            if (methods[m.Method] is not JsonObject entry)
            {
                entry = new JsonObject { ["intents"] = new JsonArray() };
                methods[m.Method] = entry;
            }

            var intents = entry["intents"]!.AsArray();
            if (!intents.Any(i => i?.GetValue<string>() == m.Intent))
            {
                intents.Add((JsonNode?)JsonValue.Create(m.Intent));
            }
        }

        return new JsonObject { ["methods"] = methods };
    }

    private static RequestId? RequestIdOf(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => new RequestId(v.GetValue<string>()),
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => new RequestId(l),
            _ => null,
        }
        : null;
}
