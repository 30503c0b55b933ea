using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mpp.Client.Lightning.Nodes;

namespace Mpp.Client.Lightning.Lnd;

/// <summary>
/// <see cref="ILightningNode"/> over LND's REST interface: <c>POST /v2/router/send</c> (SendPaymentV2, a stream of
/// JSON payment updates, one per line) and <c>GET /v2/router/track/{hash}</c> (TrackPaymentV2) for look-ups, with the
/// macaroon in <c>Grpc-Metadata-macaroon</c>. The HTTP client pins the node's certificate (see
/// <c>LightningMppBuilderExtensions</c>). The macaroon never reaches a log or a message.
/// </summary>
internal sealed class LndRestNode : ILightningNode
{
    private readonly Uri _base;
    private readonly string _macaroonHex;
    private readonly Func<HttpClient> _http;
    private readonly TimeSpan _timeout;

    public LndRestNode(Uri restUrl, string macaroonHex, Func<HttpClient> http, TimeSpan paymentTimeout)
    {
        _base = new Uri(restUrl.ToString().TrimEnd('/') + "/");
        _macaroonHex = macaroonHex;
        _http = http;
        _timeout = paymentTimeout;
    }

    public async ValueTask<LightningPayment> PayAsync(string invoice, long maxFeeSat, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(invoice.Length + 128);
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("payment_request"u8, invoice);
            w.WriteString("fee_limit_sat"u8, maxFeeSat.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("timeout_seconds"u8, (int)Math.Max(1, _timeout.TotalSeconds));
            w.WriteBoolean("no_inflight_updates"u8, true);
            w.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "v2/router/send"))
        {
            Content = new ByteArrayContent(body.WrittenSpan.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        var last = await StreamAsync(request, stopAtFirst: false, cancellationToken).ConfigureAwait(false);
        return last ?? throw new LightningNodeException(LightningNodeError.Unavailable, "LND closed the payment stream without a final update.");
    }

    public async ValueTask<LightningPayment?> LookupAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var hash = Convert.FromHexString(paymentHash);
        var path = "v2/router/track/" + Uri.EscapeDataString(Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_')) + "?no_inflight_updates=false";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, path));
        try
        {
            return await StreamAsync(request, stopAtFirst: true, cancellationToken).ConfigureAwait(false);
        }
        catch (LndNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sends, then reads JSON lines until a final update (or the first one, for look-ups).</summary>
    private async Task<LightningPayment?> StreamAsync(HttpRequestMessage request, bool stopAtFirst, CancellationToken cancellationToken)
    {
        request.Headers.Add("Grpc-Metadata-macaroon", _macaroonHex);
        HttpResponseMessage response;
        try
        {
            response = await _http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new LightningNodeException(LightningNodeError.Unauthorized, "The node's TLS certificate is not the pinned one; nothing was sent.", e);
        }
        catch (HttpRequestException e)
        {
            throw new LightningNodeException(LightningNodeError.Unavailable, $"The node could not be reached ({e.HttpRequestError}).", e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new LightningNodeException(LightningNodeError.Unauthorized, $"The node refused the macaroon ({(int)response.StatusCode}).");
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new LndNotFoundException();
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            LightningPayment? last = null;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                last = ReadUpdate(line, response.StatusCode);
                if (stopAtFirst || last.Status != LightningPaymentStatus.InFlight)
                {
                    return last;
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new LightningNodeException(LightningNodeError.Unavailable, $"The node answered {(int)response.StatusCode} without a readable error.");
            }

            return last;
        }
    }

    private static LightningPayment ReadUpdate(string line, HttpStatusCode status)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new LightningNodeException(LightningNodeError.Unavailable, $"The node answered {(int)status} with a body that is not JSON.", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw ReadError(error);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message"u8, out _) && root.TryGetProperty("code"u8, out _)
                && !root.TryGetProperty("result"u8, out _))
            {
                throw ReadError(root); // an error answered before the stream started: {"code", "message", "details"}
            }

            var payment = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result"u8, out var result) ? result : root;
            if (payment.ValueKind != JsonValueKind.Object
                || !payment.TryGetProperty("payment_hash"u8, out var hashElement) || hashElement.ValueKind != JsonValueKind.String
                || !payment.TryGetProperty("status"u8, out var statusElement) || statusElement.ValueKind != JsonValueKind.String)
            {
                throw new LightningNodeException(LightningNodeError.Unavailable, "The node's payment update has no payment_hash or status.");
            }

            var hash = hashElement.GetString()!.ToLowerInvariant();
            var fee = ReadLong(payment, "fee_msat"u8);
            return statusElement.GetString() switch
            {
                "SUCCEEDED" => new LightningPayment(hash, LightningPaymentStatus.Succeeded,
                    payment.TryGetProperty("payment_preimage"u8, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()!.ToLowerInvariant() : null, fee),
                "FAILED" => new LightningPayment(hash, LightningPaymentStatus.Failed, null, 0,
                    payment.TryGetProperty("failure_reason"u8, out var r) && r.ValueKind == JsonValueKind.String ? MapFailure(r.GetString()!) : LightningNodeError.Failed),
                _ => new LightningPayment(hash, LightningPaymentStatus.InFlight, null, fee),
            };
        }
    }

    private static Exception ReadError(JsonElement error)
    {
        var message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        var code = error.TryGetProperty("code"u8, out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        var safe = message.Length > 120 ? message[..120] : message;
        if (message.Contains("isn't initiated", StringComparison.OrdinalIgnoreCase) || (code == 5 && message.Contains("not found", StringComparison.OrdinalIgnoreCase)))
        {
            return new LndNotFoundException();
        }

        var kind = message switch
        {
            _ when message.Contains("already paid", StringComparison.OrdinalIgnoreCase) => LightningNodeError.AlreadyPaid,
            _ when message.Contains("in transition", StringComparison.OrdinalIgnoreCase) || message.Contains("in flight", StringComparison.OrdinalIgnoreCase) => LightningNodeError.InFlight,
            _ when message.Contains("insufficient", StringComparison.OrdinalIgnoreCase) => LightningNodeError.InsufficientBalance,
            _ when message.Contains("no route", StringComparison.OrdinalIgnoreCase) => LightningNodeError.NoRoute,
            _ when code == 16 || message.Contains("permission denied", StringComparison.OrdinalIgnoreCase) || message.Contains("macaroon", StringComparison.OrdinalIgnoreCase)
                || message.Contains("verification failed", StringComparison.OrdinalIgnoreCase) => LightningNodeError.Unauthorized,
            _ => LightningNodeError.Unavailable,
        };
        return new LightningNodeException(kind, $"LND: {safe}");
    }

    private static LightningNodeError MapFailure(string reason) => reason switch
    {
        "FAILURE_REASON_TIMEOUT" => LightningNodeError.Timeout,
        "FAILURE_REASON_NO_ROUTE" => LightningNodeError.NoRoute,
        "FAILURE_REASON_INSUFFICIENT_BALANCE" => LightningNodeError.InsufficientBalance,
        "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS" => LightningNodeError.IncorrectPaymentDetails,
        _ => LightningNodeError.Failed,
    };

    private static long ReadLong(JsonElement e, ReadOnlySpan<byte> name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return 0;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) && n >= 0 => n,
            JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => 0,
        };
    }

    public override string ToString() => $"LndRestNode {{ {_base} }}";

    /// <summary>LND does not know the payment (track of a hash never paid).</summary>
    private sealed class LndNotFoundException : Exception
    {
        public LndNotFoundException()
            : base("LND does not know the payment.")
        {
        }
    }
}
