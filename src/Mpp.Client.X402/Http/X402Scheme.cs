using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.X402.Exact;

namespace Mpp.Client.X402.Http;

/// <summary>
/// x402 as an HTTP payment scheme of the core handler. v1: the 402's JSON body <c>{x402Version: 1, accepts, error}</c>,
/// the payment in <c>X-PAYMENT</c>, the settlement in <c>X-PAYMENT-RESPONSE</c>. v2: the <c>PAYMENT-REQUIRED</c> header,
/// the payment in <c>PAYMENT-SIGNATURE</c>, the settlement in <c>PAYMENT-RESPONSE</c>. Every header is standard base64 (with
/// padding) of JSON. Each requirement becomes a challenge of method <c>x402</c> and intent its scheme (<c>exact</c>), paid
/// under the same policy, ledger and budget as <c>Payment</c> challenges, which come first in server order.
/// </summary>
internal sealed class X402Scheme(TimeProvider time) : IHttpPaymentScheme
{
    public const string SchemeName = "x402";
    public const string V1PaymentHeader = "X-PAYMENT";
    public const string V2PaymentHeader = "PAYMENT-SIGNATURE";
    public const string V1ResponseHeader = "X-PAYMENT-RESPONSE";
    public const string V2ResponseHeader = "PAYMENT-RESPONSE";
    public const string V2RequiredHeader = "PAYMENT-REQUIRED";

    /// <summary>The largest 402 body or header read for requirements.</summary>
    private const int MaxBytes = 64 * 1024;

    public string Name => SchemeName;

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = [V1PaymentHeader, V2PaymentHeader];

    public async ValueTask ReadChallengesAsync(HttpResponseMessage response, ICollection<ChallengeParseResult> challenges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(challenges);
        var requestUri = response.RequestMessage?.RequestUri;
        if (response.Headers.NonValidated.TryGetValues(V2RequiredHeader, out var values))
        {
            foreach (var value in values)
            {
                if (value.Length > MaxBytes || !TryDecodeBase64Json(value, out var doc))
                {
                    challenges.Add(ChallengeParseResult.Failure($"The {V2RequiredHeader} header is not standard base64 of a JSON object."));
                    continue;
                }

                using (doc)
                {
                    Read(doc!.RootElement, expectedVersion: 2, requestUri, challenges);
                }
            }

            return; // as the official client: the header, when present, is the payment request
        }

        var content = response.Content;
        var mediaType = content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) || content.Headers.ContentLength is > MaxBytes)
        {
            return;
        }

        byte[] body;
        try
        {
            // Buffered, so the caller can still read the body.
            await content.LoadIntoBufferAsync(MaxBytes, cancellationToken).ConfigureAwait(false);
            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return;
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return; // not JSON at all: not an x402 body (a Payment server's page, say)
        }

        using (json)
        {
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("x402Version"u8, out _))
            {
                Read(json.RootElement, expectedVersion: 1, requestUri, challenges);
            }
        }
    }

    public void ApplyCredential(HttpRequestMessage request, Credential credential)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credential);
        RemoveCredential(request);
        var version = credential.Challenge.Request.GetProperty("x402Version"u8).GetInt32();
        var json = System.Text.Encoding.UTF8.GetBytes(credential.Payload.GetRawText());
        request.Headers.TryAddWithoutValidation(version == 1 ? V1PaymentHeader : V2PaymentHeader, Convert.ToBase64String(json));
    }

    public void RemoveCredential(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(V1PaymentHeader);
        request.Headers.Remove(V2PaymentHeader);
    }

    public PaymentReceipt? ReadReceipt(HttpResponseMessage response, out string? error)
    {
        ArgumentNullException.ThrowIfNull(response);
        error = null;
        if (!response.Headers.NonValidated.TryGetValues(V2ResponseHeader, out var values)
            && !response.Headers.NonValidated.TryGetValues(V1ResponseHeader, out values))
        {
            return null;
        }

        foreach (var value in values)
        {
            if (!TryDecodeBase64Json(value, out var doc))
            {
                error ??= "The x402 settlement header is not standard base64 of a JSON object.";
                continue;
            }

            using (doc)
            {
                var root = doc!.RootElement;
                var success = root.TryGetProperty("success"u8, out var s) && s.ValueKind == JsonValueKind.True;
                var transaction = root.TryGetProperty("transaction"u8, out var tx) && tx.ValueKind == JsonValueKind.String ? tx.GetString() : null;
                if (string.IsNullOrEmpty(transaction))
                {
                    error ??= "The x402 settlement names no transaction.";
                    continue;
                }

                var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in root.EnumerateObject())
                {
                    if (!p.NameEquals("success"u8) && !p.NameEquals("transaction"u8))
                    {
                        extra[p.Name] = p.Value.Clone();
                    }
                }

                return new PaymentReceipt(
                    success ? "success" : "failed",
                    X402ExactMethod.MethodId,
                    Rfc3339.Format(time.GetUtcNow()),
                    transaction,
                    extra: extra);
            }
        }

        return null;
    }

    private static void Read(JsonElement root, int expectedVersion, Uri? requestUri, ICollection<ChallengeParseResult> challenges)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            challenges.Add(ChallengeParseResult.Failure("The x402 payment request is not a JSON object."));
            return;
        }

        if (requestUri is null)
        {
            // Real handlers set HttpResponseMessage.RequestMessage; without it the resource's origin cannot be checked.
            challenges.Add(ChallengeParseResult.Failure("The 402 response names no request, so the x402 resource's origin cannot be checked."));
            return;
        }

        if (!root.TryGetProperty("x402Version"u8, out var v) || !v.TryGetInt32(out var version) || version != expectedVersion)
        {
            challenges.Add(ChallengeParseResult.Failure(expectedVersion == 2
                ? $"The {V2RequiredHeader} header does not declare x402Version 2."
                : "The x402 402 body declares an unsupported x402Version (this client speaks 1 in the body and 2 in the PAYMENT-REQUIRED header)."));
            return;
        }

        if (!root.TryGetProperty("accepts"u8, out var accepts) || accepts.ValueKind != JsonValueKind.Array)
        {
            challenges.Add(ChallengeParseResult.Failure("The x402 payment request has no accepts list."));
            return;
        }

        JsonElement? resource = null;
        if (version == 2)
        {
            if (!root.TryGetProperty("resource"u8, out var r) || r.ValueKind != JsonValueKind.Object)
            {
                challenges.Add(ChallengeParseResult.Failure("The x402 v2 payment request has no resource object."));
                return;
            }

            if (!SameOrigin(r.TryGetProperty("url"u8, out var url) ? url : default, requestUri))
            {
                challenges.Add(ChallengeParseResult.Failure("The x402 resource is on another origin than the request."));
                return;
            }

            resource = r;
        }

        var realm = requestUri?.Authority ?? "";
        foreach (var accepted in accepts.EnumerateArray())
        {
            if (accepted.ValueKind != JsonValueKind.Object
                || !accepted.TryGetProperty("scheme"u8, out var scheme) || scheme.ValueKind != JsonValueKind.String
                || scheme.GetString() is not { Length: > 0 } schemeName || !IsToken(schemeName))
            {
                challenges.Add(ChallengeParseResult.Failure("An x402 requirement has no usable scheme."));
                continue;
            }

            if (version == 1 && accepted.TryGetProperty("resource"u8, out var res) && !SameOrigin(res, requestUri))
            {
                challenges.Add(ChallengeParseResult.Failure("The x402 requirement's resource is on another origin than the request."));
                continue;
            }

            challenges.Add(ChallengeParseResult.Success(Challenge.Create(
                Id(accepted),
                realm,
                X402ExactMethod.MethodId,
                schemeName,
                Request(version, accepted, resource),
                scheme: SchemeName)));
        }
    }

    private static JsonElement Request(int version, JsonElement accepted, JsonElement? resource)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("x402Version"u8, version);
            w.WritePropertyName("accepted"u8);
            accepted.WriteTo(w);
            if (resource is { } r)
            {
                w.WritePropertyName("resource"u8);
                r.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    /// <summary>A stable id for a requirement: the first 16 bytes of SHA-256 of its JSON, base64url.</summary>
    private static string Id(JsonElement accepted)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accepted.GetRawText()), hash);
        return "x402-" + Base64Url.Encode(hash[..16]);
    }

    /// <summary>An absent resource is taken as the request's own; a present one must be an absolute URL on the same origin.</summary>
    private static bool SameOrigin(JsonElement resource, Uri? requestUri)
    {
        if (resource.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return true;
        }

        if (resource.ValueKind != JsonValueKind.String || requestUri is null)
        {
            return false;
        }

        var text = resource.GetString()!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            // A path alone names the request's own origin.
            return text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal);
        }

        return string.Equals(uri.Scheme, requestUri.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IdnHost, requestUri.IdnHost, StringComparison.OrdinalIgnoreCase)
            && uri.Port == requestUri.Port;
    }

    private static bool IsToken(string s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDecodeBase64Json(string value, out JsonDocument? doc)
    {
        doc = null;
        var text = value.Trim();
        var bytes = new byte[(text.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            return false;
        }

        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(0, written));
        }
        catch (JsonException)
        {
            return false;
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            doc = null;
            return false;
        }

        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"X402Scheme {{ {SchemeName} }}");
}
