using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Conformance;

/// <summary>
/// The flow operation <c>http.payment_request</c>: the request goes through the real <see cref="PaymentHandler"/> (from
/// <c>AddMppPayments</c>) with a payment method that returns the payload the harness supplies.
/// </summary>
internal static class HttpPaymentOperation
{
    // The method identifiers the harness may challenge with; the wallet answers any of them with the given payload.
    private static readonly string[] MethodNames = ["tempo", "stripe", "lightning", "card", "evm", "solana", "test", "example"];

    public static async ValueTask<JsonNode?> RunAsync(JsonElement input, CancellationToken cancellationToken)
    {
        var url = new Uri(Required(input, "url"));
        var method = new HttpMethod(Required(input, "method"));
        var mode = input.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "payment";
        if (!input.TryGetProperty("payment", out var payment) || !payment.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            throw new AdapterException(AdapterErrorType.Http, "payment.payload must be a JSON object.");
        }

        JsonElement? source = payment.TryGetProperty("source", out var s) && s.ValueKind is JsonValueKind.String or JsonValueKind.Object ? s : null;

        var services = new ServiceCollection();
        var builder = services.AddHttpClient().AddMppPayments(o =>
        {
            o.AllowUncappedUnits = true; // the harness sets no budget; every amount is paid
            o.MaxPaymentRounds = 1;      // one credential per request: the harness owns any further round
            o.SendAcceptPayment = false; // the harness passes its own Accept-Payment when a case needs one
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        });
        foreach (var name in MethodNames)
        {
            builder.AddPaymentMethod(new FixedPayloadMethod(name, new PaymentPayload(payload.Clone(), source?.Clone())));
        }

        if (mode is "mismatched_request" or "invalid_challenge_id")
        {
            services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new CredentialTamperer(mode)));
        }

        var provider = services.BuildServiceProvider();
        await using var _ = provider.ConfigureAwait(false);
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var request = new HttpRequestMessage(method, url);
        if (input.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.GetString()!));
        }

        if (input.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var h in headers.EnumerateObject())
            {
                var value = h.Value.GetString() ?? string.Empty;
                if (!request.Headers.TryAddWithoutValidation(h.Name, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(h.Name, value);
                }
            }
        }

        if (mode == "plain")
        {
            request.SetPaymentMode(PaymentMode.Disabled);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or MppException or TaskCanceledException)
        {
            throw new AdapterException(AdapterErrorType.Http, ex.Message);
        }

        using (response)
        {
            if (response.GetPaymentOutcome() is { Code: MppErrorCode.CrossOriginRefused } refused)
            {
                throw new AdapterException(AdapterErrorType.Http, refused.Reason!);
            }

            var outHeaders = new JsonObject();
            foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            {
                outHeaders[name.ToLowerInvariant()] = string.Join(", ", values);
            }

            return new JsonObject
            {
                ["status"] = (int)response.StatusCode,
                ["headers"] = outHeaders,
                ["body"] = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false),
            };
        }
    }

    private static string Required(JsonElement input, string name) =>
        input.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new AdapterException(AdapterErrorType.Http, $"Missing '{name}'.");

    private sealed class FixedPayloadMethod(string method, PaymentPayload payload) : IPaymentMethod
    {
        public string Method { get; } = method;

        public IReadOnlyCollection<string> Intents { get; } = ["charge", "session", "authorize", "subscription"];

        public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken) => ValueTask.FromResult(payload);
    }

    /// <summary>The harness's tamper modes: alter the echoed challenge inside the credential before it leaves.</summary>
    private sealed class CredentialTamperer(string mode) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is { Scheme: "Payment", Parameter: { } token })
            {
                var credential = Credential.ParseToken(token);
                var challenge = mode == "invalid_challenge_id"
                    ? credential.Challenge.WithId(credential.Challenge.Id + "x")
                    : credential.Challenge.WithEncodedRequest(Mutate(credential.Challenge.Request));
                var tampered = Credential.Create(challenge, credential.Payload, credential.Source);
                request.Headers.Authorization = new AuthenticationHeaderValue("Payment", tampered.Serialize());
            }

            return base.SendAsync(request, cancellationToken);
        }

        private static string Mutate(JsonElement request)
        {
            var node = JsonNode.Parse(request.GetRawText())!.AsObject();
            node["amount"] = node["amount"] is JsonValue v && v.TryGetValue<string>(out var a) && long.TryParse(a, out var n) ? (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "1";
            using var doc = JsonDocument.Parse(node.ToJsonString());
            return CanonicalJson.EncodeBase64Url(doc.RootElement);
        }
    }
}
