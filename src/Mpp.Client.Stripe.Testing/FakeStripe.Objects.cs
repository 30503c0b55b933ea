using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mpp.Client.Stripe.Testing;

/// <summary>Minting and redeeming tokens, and the JSON objects the fake answers.</summary>
public sealed partial class FakeStripe
{
    private static readonly string[] LimitParams = ["usage_limits[currency]", "usage_limits[max_amount]", "usage_limits[expires_at]"];

    private (int, string) Mint(Dictionary<string, string> form, string key, bool testHelper, string requestId)
    {
        var seller = testHelper ? "seller_details[network_id]" : "seller_details[network_business_profile]";
        foreach (var name in form.Keys)
        {
            var known = name is "payment_method" || LimitParams.Contains(name) || name == seller
                || (!testHelper && name == "seller_details[external_id]") || (name.StartsWith("metadata[", StringComparison.Ordinal) && name.EndsWith(']'));
            if (!known)
            {
                return (400, Error("invalid_request_error", "parameter_unknown", $"Received unknown parameter: {name}", name, requestId));
            }
        }

        foreach (var name in new[] { "payment_method", seller }.Concat(LimitParams))
        {
            if (!form.TryGetValue(name, out var value) || value.Length == 0)
            {
                return (400, Error("invalid_request_error", "parameter_missing", $"Missing required param: {name}.", name, requestId));
            }
        }

        if (key != SecretKey)
        {
            return (403, Error("invalid_request_error", "secret_key_required", "This key cannot mint tokens for the payer's payment method.", null, requestId));
        }

        var currency = form["usage_limits[currency]"];
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
        {
            return (400, Error("invalid_request_error", "parameter_invalid_string", "Invalid currency: " + currency, "usage_limits[currency]", requestId));
        }

        if (!long.TryParse(form["usage_limits[max_amount]"], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max <= 0)
        {
            return (400, Error("invalid_request_error", "parameter_invalid_integer", "Invalid positive integer", "usage_limits[max_amount]", requestId));
        }

        if (!long.TryParse(form["usage_limits[expires_at]"], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresUnix)
            || expiresUnix <= TimeProvider.GetUtcNow().ToUnixTimeSeconds())
        {
            return (400, Error("invalid_request_error", "parameter_invalid_integer", "usage_limits[expires_at] must be a timestamp in the future.", "usage_limits[expires_at]", requestId));
        }

        var paymentMethod = form["payment_method"];
        string status;
        switch (paymentMethod)
        {
            case VisaPaymentMethod:
                status = "active";
                break;
            case AuthenticationRequiredPaymentMethod:
                status = "requires_action";
                break;
            case DeclinedPaymentMethod:
                return (402, Error("card_error", "card_declined", "Your card was declined.", null, requestId, declineCode: "generic_decline"));
            default:
                return (400, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{paymentMethod}'", "payment_method", requestId));
        }

        var token = new FakeSharedPaymentToken(
            NextId("spt_"), paymentMethod, currency, max, DateTimeOffset.FromUnixTimeSeconds(expiresUnix), form[seller],
            form.GetValueOrDefault("seller_details[external_id]"), status, null);
        lock (_gate)
        {
            _tokens[token.Id] = token;
        }

        return (200, Json(w =>
        {
            w.WriteString("id"u8, token.Id);
            w.WriteString("object"u8, testHelper ? "shared_payment.granted_token" : "shared_payment.issued_token");
            w.WriteNumber("created"u8, TimeProvider.GetUtcNow().ToUnixTimeSeconds());
            w.WriteBoolean("livemode"u8, false);
            w.WriteNull("deactivated_at"u8);
            w.WriteNull("deactivated_reason"u8);
            w.WriteString("payment_method"u8, paymentMethod);
            w.WriteString("status"u8, status);
            w.WriteStartObject("usage_limits"u8);
            w.WriteString("currency"u8, currency);
            w.WriteNumber("max_amount"u8, max);
            w.WriteNumber("expires_at"u8, expiresUnix);
            w.WriteEndObject();
            w.WriteStartObject("seller_details"u8);
            w.WriteString(testHelper ? "network_id"u8 : "network_business_profile"u8, token.NetworkId);
            w.WriteEndObject();
            if (status == "requires_action")
            {
                w.WriteStartObject("next_action"u8);
                // Stripe's SharedPaymentIssuedToken object: next_action.type is use_stripe_sdk (Stripe.js or a mobile SDK).
                w.WriteString("type"u8, "use_stripe_sdk");
                w.WriteStartObject("use_stripe_sdk"u8);
                w.WriteString("type"u8, "three_d_secure_redirect");
                w.WriteString("stripe_js"u8, "https://hooks.stripe.com/3d_secure_2/hosted?token=" + token.Id);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("next_action"u8);
            }
        }));
    }

    private (int, string) Redeem(Dictionary<string, string> form, string key, string requestId)
    {
        if (key != SellerSecretKey)
        {
            return (400, Error("invalid_request_error", "resource_missing", "No such shared payment granted token on this account.", "shared_payment_granted_token", requestId));
        }

        if (!form.TryGetValue("shared_payment_granted_token", out var spt) || !form.TryGetValue("amount", out var amountText) || !form.TryGetValue("currency", out var currency))
        {
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: shared_payment_granted_token, amount or currency.", null, requestId));
        }

        if (!long.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return (400, Error("invalid_request_error", "parameter_invalid_integer", "Invalid positive integer", "amount", requestId));
        }

        if (form.GetValueOrDefault("confirm") != "true")
        {
            return (400, Error("invalid_request_error", "parameter_invalid_string", "This fake redeems tokens with confirm=true only.", "confirm", requestId));
        }

        string id;
        lock (_gate)
        {
            if (!_tokens.TryGetValue(spt, out var token))
            {
                return (400, Error("invalid_request_error", "resource_missing", $"No such shared payment granted token: '{spt}'", "shared_payment_granted_token", requestId));
            }

            var problem = token switch
            {
                { PaymentIntent: not null } => "shared_payment_token_used",
                { Status: not "active" } => "shared_payment_token_inactive",
                _ when TimeProvider.GetUtcNow() >= token.ExpiresAt => "shared_payment_token_expired",
                _ when !string.Equals(token.Currency, currency, StringComparison.OrdinalIgnoreCase) => "shared_payment_token_currency_mismatch",
                _ when amount > token.MaxAmount => "shared_payment_token_limit_exceeded",
                _ when token.NetworkId != NetworkId => "shared_payment_token_seller_mismatch",
                _ => null,
            };
            if (problem is not null)
            {
                return (400, Error("invalid_request_error", problem, "The shared payment granted token cannot be used for this payment.", "shared_payment_granted_token", requestId));
            }

            id = NextId("pi_");
            _tokens[spt] = token with { PaymentIntent = id };
            _paymentIntents.Add(id);
        }

        return (200, Json(w =>
        {
            w.WriteString("id"u8, id);
            w.WriteString("object"u8, "payment_intent");
            w.WriteNumber("amount"u8, amount);
            w.WriteString("currency"u8, currency.ToLowerInvariant());
            w.WriteString("status"u8, "succeeded");
            w.WriteBoolean("livemode"u8, false);
            w.WriteString("shared_payment_granted_token"u8, spt);
            w.WriteStartObject("metadata"u8);
            foreach (var (name, value) in form.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(name["metadata[".Length..^1], value);
            }

            w.WriteEndObject();
        }));
    }

    private static string Error(string type, string? code, string message, string? param, string requestId, string? declineCode = null) => Json(w =>
    {
        w.WriteStartObject("error"u8);
        w.WriteString("type"u8, type);
        if (code is not null)
        {
            w.WriteString("code"u8, code);
        }

        if (declineCode is not null)
        {
            w.WriteString("decline_code"u8, declineCode);
        }

        w.WriteString("message"u8, message);
        if (param is not null)
        {
            w.WriteString("param"u8, param);
        }

        w.WriteString("request_log_url"u8, "https://dashboard.stripe.com/test/logs/" + requestId);
        w.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
