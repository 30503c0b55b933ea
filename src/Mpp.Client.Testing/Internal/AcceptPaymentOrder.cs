using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// Server-side use of <c>Accept-Payment</c> (core spec § "Client Payment Preferences"): keep the offers a range with
/// <c>q &gt; 0</c> covers, ordered by descending weight and then server order; when the header is absent, malformed or
/// matches nothing, every offer in server order.
/// </summary>
internal static class AcceptPaymentOrder
{
    public static IReadOnlyList<OfferedPrice> Apply(IReadOnlyList<OfferedPrice> offers, string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return offers;
        }

        var preferences = new List<PaymentPreference>();
        foreach (var range in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                preferences.Add(PaymentPreference.Parse(range));
            }
            catch (FormatException)
            {
                return offers;
            }
        }

        var matching = offers
            .Select((offer, index) => (Offer: offer, Index: index, Weight: PaymentPreference.WeightOf(preferences, offer.Price.Method, offer.Price.Intent) ?? 0))
            .Where(x => x.Weight > 0)
            .OrderByDescending(x => x.Weight)
            .ThenBy(x => x.Index)
            .Select(x => x.Offer)
            .ToList();
        return matching.Count > 0 ? matching : offers;
    }
}
