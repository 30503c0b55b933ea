using System.Text.Json;
using Mpp.Client.Lightning.Invoices;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Lightning.Charge;

/// <summary>
/// Reads and checks a <c>lightning/charge</c> request (draft-lightning-charge-00) against its invoice, which is the
/// authority: the request's amount (sat) must equal the invoice amount exactly (an amount that is not a whole sat is
/// refused, not rounded), the currency must be <c>sat</c>, <c>methodDetails.network</c> and
/// <c>methodDetails.paymentHash</c>, when present, must match the invoice, the invoice's network must be the wallet's,
/// the payee must be allowed, and the effective expiry (the earlier of the challenge's <c>expires</c> and the
/// invoice's) must leave time to pay.
/// </summary>
internal static class LightningChargeReader
{
    public static LightningCharge Read(Challenge challenge, LightningNetwork network, IReadOnlySet<string> allowedPayees, DateTimeOffset now, TimeSpan minimumTimeToExpiry, Func<string, Exception?, Exception> refuse)
    {
        var request = challenge.Request;
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw refuse("The request is not a JSON object.", null);
        }

        var amountText = String(request, "amount");
        if (amountText is null || !PaymentTerms.TryParseAmount(amountText, out var amount) || amount <= 0 || amount > long.MaxValue / 1000)
        {
            throw refuse("The request amount must be a positive integer string of satoshis.", null);
        }

        if (String(request, "currency") != "sat")
        {
            throw refuse("The request currency must be \"sat\".", null);
        }

        if (!request.TryGetProperty("methodDetails"u8, out var details) || details.ValueKind != JsonValueKind.Object)
        {
            throw refuse("The request has no methodDetails object.", null);
        }

        var text = String(details, "invoice");
        if (string.IsNullOrEmpty(text))
        {
            throw refuse("methodDetails.invoice is missing.", null);
        }

        Bolt11Invoice invoice;
        try
        {
            invoice = Bolt11Invoice.Decode(text);
        }
        catch (Bolt11FormatException e)
        {
            throw refuse($"methodDetails.invoice is not a valid BOLT11 invoice ({e.Error}): {e.Message}", e);
        }

        if (invoice.Network != network)
        {
            throw refuse($"The invoice is for {Name(invoice.Network)} and this wallet pays on {Name(network)}.", null);
        }

        if (String(details, "network") is { } declared && declared != Name(invoice.Network))
        {
            throw refuse($"methodDetails.network ({Truncate(declared)}) does not match the invoice's network ({Name(invoice.Network)}).", null);
        }

        if (String(details, "paymentHash") is { } hash && hash != invoice.PaymentHash)
        {
            throw refuse("methodDetails.paymentHash does not match the invoice's payment hash.", null);
        }

        if (invoice.AmountMsat is not { } msat)
        {
            throw refuse("The invoice has no amount; only invoices for the exact request amount are paid.", null);
        }

        if (msat % 1000 != 0)
        {
            throw refuse("The invoice amount is not a whole number of satoshis.", null);
        }

        if (msat / 1000 != (long)amount)
        {
            throw refuse($"The invoice asks {msat / 1000} sat and the request says {amount} sat.", null);
        }

        if (allowedPayees.Count > 0 && !allowedPayees.Contains(invoice.PayeeNodeId))
        {
            throw refuse($"The invoice's payee {invoice.PayeeNodeId} is not in AllowedPayees.", null);
        }

        var expires = invoice.ExpiresAt;
        if (challenge.ExpiresAt is { } c && c < expires)
        {
            expires = c;
        }

        if (expires <= now + minimumTimeToExpiry)
        {
            throw refuse(expires <= now
                ? "The invoice or the challenge has expired."
                : "The invoice or the challenge expires before a payment could settle (MinimumTimeToExpiry).", null);
        }

        return new LightningCharge((long)amount, invoice, expires);
    }

    internal static string Name(LightningNetwork network) => network.ToString().ToLowerInvariant();

    internal static bool TryParseNetwork(string? text, out LightningNetwork network)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "mainnet" or "bitcoin":
                network = LightningNetwork.Mainnet;
                return true;
            case "testnet":
                network = LightningNetwork.Testnet;
                return true;
            case "signet":
                network = LightningNetwork.Signet;
                return true;
            case "regtest":
                network = LightningNetwork.Regtest;
                return true;
            default:
                network = default;
                return false;
        }
    }

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20];
}
