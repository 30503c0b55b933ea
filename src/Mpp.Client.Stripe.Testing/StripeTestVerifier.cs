using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Stripe.Testing;

/// <summary>
/// The <c>stripe</c> method of an <see cref="MppTestServer"/>, redeeming tokens on a <see cref="FakeStripe"/> the way a
/// seller does (draft-stripe-charge-00 § "Settlement Procedure", mppx 0.11.0 <c>stripe/server/Charge</c>): a
/// PaymentIntent with <c>shared_payment_granted_token</c>, <c>confirm=true</c> and the idempotency key
/// <c>mpp_&lt;challengeId&gt;_&lt;spt&gt;</c>, with the seller's key. A token is accepted only if the fake says it exists,
/// is unused, active, unexpired, for this seller, in the currency, with a limit covering the amount. A request-bound
/// <c>externalId</c> must be echoed by the payload (conformance vectors <c>stripe-external-id-binding</c>); a replayed
/// PaymentIntent is refused.
/// </summary>
public sealed class StripeTestVerifier : ITestPaymentVerifier, IDisposable
{
    private readonly FakeStripe _stripe;
    private readonly string[] _types;
    private readonly HttpClient _http = new();

    /// <summary>Creates the verifier.</summary>
    /// <param name="stripe">The fake Stripe the tokens are redeemed on.</param>
    /// <param name="paymentMethodTypes">The <c>methodDetails.paymentMethodTypes</c> challenges offer; <c>card</c> by default.</param>
    public StripeTestVerifier(FakeStripe stripe, IEnumerable<string>? paymentMethodTypes = null)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        _stripe = stripe;
        _types = paymentMethodTypes?.ToArray() ?? ["card"];
    }

    /// <inheritdoc />
    public string Method => "stripe";

    /// <summary>
    /// The price's request, with <c>methodDetails</c> (<see cref="FakeStripe.NetworkId"/>, the payment method types) added
    /// when the price does not set its own (through <see cref="PriceOption.ExtraRequest"/>, e.g. to test bad ones).
    /// </summary>
    /// <param name="context">The price and its request.</param>
    /// <param name="cancellationToken">Not used.</param>
    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.TryGetProperty("methodDetails"u8, out _))
        {
            return new(context.Request);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in context.Request.EnumerateObject())
            {
                p.WriteTo(w);
            }

            w.WriteStartObject("methodDetails"u8);
            w.WriteString("networkId"u8, _stripe.NetworkId);
            w.WriteStartArray("paymentMethodTypes"u8);
            foreach (var t in _types)
            {
                w.WriteStringValue(t);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new(document.RootElement.Clone());
    }

    /// <inheritdoc />
    public async ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var request = credential.Challenge.Request;
        var payload = credential.Payload;
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("spt"u8, out var sptElement) || sptElement.ValueKind != JsonValueKind.String)
        {
            return PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "the payload has no spt");
        }

        var spt = sptElement.GetString()!;
        var boundExternalId = request.TryGetProperty("externalId"u8, out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        var payloadExternalId = payload.TryGetProperty("externalId"u8, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (boundExternalId is not null && payloadExternalId != boundExternalId)
        {
            return PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "the credential's externalId does not match the challenge's");
        }

        var amount = request.GetProperty("amount"u8).GetString()!;
        var currency = request.GetProperty("currency"u8).GetString()!;
        var form = $"amount={Uri.EscapeDataString(amount)}&currency={Uri.EscapeDataString(currency)}&confirm=true"
            + "&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never"
            + $"&shared_payment_granted_token={Uri.EscapeDataString(spt)}&metadata[challenge_id]={Uri.EscapeDataString(credential.Challenge.Id)}";
        using var message = new HttpRequestMessage(HttpMethod.Post, _stripe.ApiBase + "/v1/payment_intents")
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_stripe.SellerSecretKey + ":")));
        message.Headers.Add("Idempotency-Key", $"mpp_{credential.Challenge.Id}_{spt}");
        message.Headers.Add("Stripe-Version", StripeOptions.DefaultApiVersion);
        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!response.IsSuccessStatusCode)
        {
            var code = root.TryGetProperty("error"u8, out var error) && error.TryGetProperty("code"u8, out var c) ? c.GetString() : null;
            return PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, $"Stripe refused the PaymentIntent ({code ?? "error"})");
        }

        if (response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"))
        {
            return PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "Payment has already been processed.");
        }

        var status = root.GetProperty("status"u8).GetString();
        return status switch
        {
            "succeeded" => PaymentVerificationResult.Success(root.GetProperty("id"u8).GetString()),
            "requires_action" => PaymentVerificationResult.Failure(PaymentProblemType.PaymentActionRequired, "Stripe PaymentIntent requires action"),
            _ => PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, $"Stripe PaymentIntent status: {status}"),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
