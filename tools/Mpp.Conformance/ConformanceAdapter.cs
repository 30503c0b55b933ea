using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client;

namespace Mpp.Conformance;

/// <summary>
/// The official MPP conformance harness ABI (<c>HARNESS_SPEC.md</c>): one request
/// <c>{"schema":1,"op":…,"input":…,"context"?:…}</c> in, one response <c>{"ok":true,"value":…}</c> or
/// <c>{"ok":false,"error":{"type":…,"message":…}}</c> out. Every operation is answered with a response; nothing throws.
/// </summary>
/// <remarks>
/// The class holds no per-request state, so one instance can serve many requests (the test project calls it
/// in-process; <c>Program</c> serves exactly one request per process, as the harness expects).
/// </remarks>
public sealed class ConformanceAdapter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable non-ASCII; still escapes control characters, '"' and '\\', so the response stays one line.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The operations this adapter implements: name → (error type, handler).</summary>
    /// <remarks>Adding an operation is one entry here (and its name in <c>adapter.json</c>'s capabilities).</remarks>
    private static readonly FrozenDictionary<string, AdapterOperation> Operations = new Dictionary<string, AdapterOperation>(StringComparer.Ordinal)
    {
        ["challenge.parse"] = new(AdapterErrorType.Parse, ProtocolOperations.ParseChallenge),
        ["challenge.format"] = new(AdapterErrorType.Format, ProtocolOperations.FormatChallenge),
        ["credential.parse"] = new(AdapterErrorType.Parse, ProtocolOperations.ParseCredential),
        ["credential.format"] = new(AdapterErrorType.Format, ProtocolOperations.FormatCredential),
        ["receipt.parse"] = new(AdapterErrorType.Parse, ProtocolOperations.ParseReceipt),
        ["receipt.format"] = new(AdapterErrorType.Format, ProtocolOperations.FormatReceipt),
        ["base64url.encode"] = new(AdapterErrorType.Encoding, ProtocolOperations.EncodeBase64Url),
        ["base64url.decode"] = new(AdapterErrorType.Encoding, ProtocolOperations.DecodeBase64Url),
        ["challenge.id"] = new(AdapterErrorType.Generation, ProtocolOperations.ComputeChallengeId),
        ["http.payment_request"] = new(AdapterErrorType.Http, HttpPaymentOperation.RunAsync),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names of the operations this adapter implements.</summary>
    public static IReadOnlyCollection<string> SupportedOperations => Operations.Keys;

    /// <summary>Handles one request given as JSON text and returns the response as one line of JSON (no newline).</summary>
    /// <remarks>Malformed JSON yields an <c>unknown_error</c> response, never an exception.</remarks>
    public async Task<string> HandleAsync(string requestJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestJson);
        return Serialize(await HandleAsync(Encoding.UTF8.GetBytes(requestJson), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Handles one request given as a JSON node and returns the response object.</summary>
    public Task<JsonNode> HandleAsync(JsonNode? request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            return Task.FromResult(Failure(AdapterErrorType.Unknown, "The request is not a JSON object."));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(writer);
        }

        return HandleAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Handles one request given as UTF-8 JSON and returns the response object.</summary>
    public async Task<JsonNode> HandleAsync(ReadOnlyMemory<byte> requestUtf8, CancellationToken cancellationToken = default)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(requestUtf8);
        }
        catch (JsonException ex)
        {
            return Failure(AdapterErrorType.Unknown, "The request is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Failure(AdapterErrorType.Unknown, "The request is not a JSON object.");
            }

            if (root.TryGetProperty("schema", out var schema) && !(schema.ValueKind == JsonValueKind.Number && schema.TryGetInt32(out var version) && version == 1))
            {
                return Failure(AdapterErrorType.Unknown, "Unsupported request schema; this adapter speaks schema 1.");
            }

            if (!root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                return Failure(AdapterErrorType.Unknown, "The request has no 'op' string.");
            }

            var op = opElement.GetString()!;
            if (!Operations.TryGetValue(op, out var operation))
            {
                return Failure(AdapterErrorType.UnsupportedOperation, $"Unsupported operation '{op}'.");
            }

            var input = root.TryGetProperty("input", out var i) ? i : default;
            using var timeout = CreateTimeout(root, cancellationToken);
            var token = timeout?.Token ?? cancellationToken;
            try
            {
                var value = await operation.Run(input, token).ConfigureAwait(false);
                return new JsonObject { ["ok"] = true, ["value"] = value };
            }
            catch (AdapterException ex)
            {
                return Failure(ex.ErrorType ?? operation.ErrorType, ex.Message);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return Failure(AdapterErrorType.Unknown, cancellationToken.IsCancellationRequested ? "The operation was cancelled." : "The operation timed out.");
            }
            catch (Exception ex) when (IsInputError(ex))
            {
                return Failure(operation.ErrorType, ex.Message);
            }
#pragma warning disable CA1031 // The ABI requires an answer for every request: an unexpected failure is reported, not thrown.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Failure(AdapterErrorType.Unknown, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Writes a response object as one line of JSON (non-ASCII unescaped, no trailing newline).</summary>
    public static string Serialize(JsonNode response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            response.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Builds an error response.</summary>
    public static JsonNode Failure(string errorType, string message) => new JsonObject
    {
        ["ok"] = false,
        ["error"] = new JsonObject { ["type"] = errorType, ["message"] = message },
    };

    /// <summary>Exceptions that mean "this input is not acceptable" and so map to the operation's own error type.</summary>
    private static bool IsInputError(Exception ex) =>
        ex is MppException or ArgumentException or FormatException or JsonException or InvalidOperationException
            or DecoderFallbackException or EncoderFallbackException or KeyNotFoundException;

    private static CancellationTokenSource? CreateTimeout(JsonElement root, CancellationToken cancellationToken)
    {
        if (root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("timeoutMs", out var t) && t.ValueKind == JsonValueKind.Number
            && t.TryGetInt32(out var ms) && ms > 0)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(ms);
            return cts;
        }

        return null;
    }
}
