using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Mpp.Client.Methods;
using Stripe;

namespace Mpp.Client.Stripe.Issuing;

/// <summary>
/// Mints Shared Payment Tokens through Stripe.net (<see cref="StripeClient.RawRequestAsync"/>: authentication, retries,
/// idempotency keys, telemetry and the API base are Stripe.net's). Live keys call
/// <c>POST /v1/shared_payment/issued_tokens</c> (<c>seller_details[network_business_profile]</c>); test keys call the test
/// helper <c>POST /v1/test_helpers/shared_payment/granted_tokens</c> (<c>seller_details[network_id]</c>) unless told not
/// to, as mppx's CLI does (wevm/mppx <c>src/cli/plugins/stripe.ts</c>).
/// </summary>
internal sealed class StripeTokenIssuer : ISharedPaymentTokenIssuer
{
    internal const string IssuedTokensPath = "/v1/shared_payment/issued_tokens";
    internal const string TestHelperPath = "/v1/test_helpers/shared_payment/granted_tokens";

    private readonly string _secretKey;
    private readonly string _paymentMethod;
    private readonly string? _apiBase;
    private readonly string _apiVersion;
    private readonly int _retries;
    private readonly bool _testHelper;
    private readonly Func<HttpClient> _http;

    public StripeTokenIssuer(string secretKey, string paymentMethod, string? apiBase, string apiVersion, int retries, bool useTestHelperInTestMode, Func<HttpClient> http)
    {
        _secretKey = secretKey;
        _paymentMethod = paymentMethod;
        _apiBase = apiBase;
        _apiVersion = apiVersion;
        _retries = retries;
        _http = http;
        LiveMode = StripeKeyMode.IsLive(secretKey);
        _testHelper = useTestHelperInTestMode && LiveMode == false;
        Identity = $"stripe:{(LiveMode == true ? "live" : "test")}:{paymentMethod}";
    }

    public string Identity { get; }

    public bool? LiveMode { get; }

    /// <summary>The path minted at.</summary>
    internal string Path => _testHelper ? TestHelperPath : IssuedTokensPath;

    public async ValueTask<SharedPaymentToken> IssueAsync(SharedPaymentTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = _secretKey,
            ApiBase = _apiBase,
            // A client of our own: never one whose pipeline pays 402s.
            HttpClient = new SystemNetHttpClient(_http(), _retries),
        });
        var options = new RawRequestOptions { IdempotencyKey = request.IdempotencyKey };
        // RequestOptions.StripeVersion is internal in Stripe.net 53; additional headers override the pinned version.
        options.AdditionalHeaders["Stripe-Version"] = _apiVersion;
        StripeResponse response;
        try
        {
            response = await client.RawRequestAsync(HttpMethod.Post, Path, Form(request), options, cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException e)
        {
            throw Failure(e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "Stripe could not be reached to mint the token (network error).", innerException: e);
        }

        return Parse(response);
    }

    private string Form(SharedPaymentTokenRequest request)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("payment_method", _paymentMethod),
            new("usage_limits[currency]", request.Currency),
            new("usage_limits[max_amount]", request.MaxAmount.ToString(CultureInfo.InvariantCulture)),
            new("usage_limits[expires_at]", request.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (_testHelper)
        {
            form.Add(new("seller_details[network_id]", request.NetworkId));
        }
        else
        {
            form.Add(new("seller_details[network_business_profile]", request.NetworkId));
            if (request.ExternalId is not null)
            {
                form.Add(new("seller_details[external_id]", request.ExternalId));
            }
        }

        foreach (var (key, value) in request.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            form.Add(new($"metadata[{key}]", value));
        }

        var b = new StringBuilder();
        foreach (var (key, value) in form)
        {
            if (b.Length > 0)
            {
                b.Append('&');
            }

            b.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return b.ToString();
    }

    private static SharedPaymentToken Parse(StripeResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content);
            var root = document.RootElement;
            var id = root.GetProperty("id"u8).GetString();
            var status = root.TryGetProperty("status"u8, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "active";
            JsonElement? next = root.TryGetProperty("next_action"u8, out var n) && n.ValueKind == JsonValueKind.Object ? n : null;
            if (id is null || !id.StartsWith("spt_", StringComparison.Ordinal))
            {
                throw new FormatException();
            }

            return new SharedPaymentToken(id, status, next);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "Stripe's answer to minting is not a Shared Payment Token.",
                RequestDetails(response.RequestId, response.StatusCode), innerException: e);
        }
    }

    /// <summary>A typed failure with Stripe's error type, code, decline code and request id; never Stripe's message (it may echo the key's tail).</summary>
    private static PaymentMethodException Failure(StripeException e)
    {
        var details = RequestDetails(e.StripeResponse?.RequestId, e.HttpStatusCode);
        var error = e.StripeError;
        Add(details, "stripe.type", error?.Type);
        Add(details, "stripe.code", error?.Code);
        Add(details, "stripe.decline_code", error?.DeclineCode);
        Add(details, "stripe.param", error?.Param);
        var what = error?.Code ?? error?.Type ?? "error";
        var reason = e.HttpStatusCode switch
        {
            HttpStatusCode.Unauthorized => "Stripe refused the API key (401); check Mpp:Stripe:SecretKey.",
            HttpStatusCode.TooManyRequests => "Stripe rate limited minting the token (429), after Stripe.net's retries.",
            HttpStatusCode.PaymentRequired => $"Stripe declined the payment method ({what}).",
            _ when error?.Type == "idempotency_error" => "Stripe refused the idempotency key: this challenge was already paid with other limits; retry with a fresh challenge.",
            0 => "Stripe could not be reached to mint the token.",
            _ => $"Stripe refused to mint the token ({(int)e.HttpStatusCode}, {what}).",
        };
        // Stripe's exception is not kept as the inner exception: its message can quote part of the key.
        return new PaymentMethodException(MppErrorCode.CredentialCreationFailed, reason, details);
    }

    private static Dictionary<string, string> RequestDetails(string? requestId, HttpStatusCode status)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(details, "stripe.request_id", requestId);
        if (status != 0)
        {
            details["stripe.http_status"] = ((int)status).ToString(CultureInfo.InvariantCulture);
        }

        return details;
    }

    private static void Add(Dictionary<string, string> details, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            details[key] = value.Length <= 100 ? value : value[..100];
        }
    }

    public override string ToString() => $"StripeTokenIssuer {{ {Identity} }}";
}
