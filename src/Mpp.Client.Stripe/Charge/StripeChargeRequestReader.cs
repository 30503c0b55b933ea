using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Stripe.Charge;

/// <summary>Reads and checks a <c>stripe/charge</c> request; every problem is an <see cref="MppErrorCode.InvalidChallenge"/>.</summary>
internal static class StripeChargeRequestReader
{
    public static StripeChargeRequest Read(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!string.Equals(challenge.Method, "stripe", StringComparison.Ordinal) || !string.Equals(challenge.Intent, "charge", StringComparison.Ordinal))
        {
            throw Invalid("Not a stripe/charge challenge.");
        }

        // amount (digits only: no sign, no decimal point), currency, externalId: the shared charge fields.
        var terms = PaymentTerms.FromChargeRequest(challenge);
        if (terms.Amount.IsZero)
        {
            throw Invalid("The request amount is zero; Stripe cannot charge nothing.");
        }

        if (terms.Amount > long.MaxValue)
        {
            throw Invalid("The request amount is out of Stripe's range.");
        }

        var currency = terms.Currency;
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetter))
        {
            throw Invalid("The request currency is not a three-letter ISO 4217 code.");
        }

        if (!challenge.Request.TryGetProperty("methodDetails"u8, out var details) || details.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The request has no methodDetails object.");
        }

        if (!details.TryGetProperty("networkId"u8, out var network) || network.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(network.GetString()))
        {
            throw Invalid("methodDetails.networkId (the seller's Stripe network business profile) is missing.");
        }

        if (!details.TryGetProperty("paymentMethodTypes"u8, out var types) || types.ValueKind != JsonValueKind.Array || types.GetArrayLength() == 0)
        {
            throw Invalid("methodDetails.paymentMethodTypes must be a non-empty list.");
        }

        var typeList = new List<string>();
        foreach (var t in types.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(t.GetString()))
            {
                throw Invalid("methodDetails.paymentMethodTypes must list strings.");
            }

            typeList.Add(t.GetString()!);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (details.TryGetProperty("metadata"u8, out var meta) && meta.ValueKind != JsonValueKind.Null)
        {
            if (meta.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("methodDetails.metadata must be an object of strings.");
            }

            foreach (var p in meta.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    throw Invalid("methodDetails.metadata must be an object of strings.");
                }

                metadata[p.Name] = p.Value.GetString()!;
            }

            if (metadata.ContainsKey("externalId"))
            {
                // mppx 0.11.0 client: the key is reserved for the credential's externalId.
                throw Invalid("methodDetails.metadata.externalId is reserved.");
            }
        }

        bool? live = null;
        if (details.TryGetProperty("livemode"u8, out var livemode) && livemode.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            live = livemode.GetBoolean();
        }

        return new StripeChargeRequest((long)terms.Amount, currency.ToLowerInvariant(), network.GetString()!, typeList, metadata, terms.ExternalId, live);
    }

    private static MppException Invalid(string message) => new(MppErrorCode.InvalidChallenge, message);
}
