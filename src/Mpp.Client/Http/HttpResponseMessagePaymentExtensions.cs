using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>Reads what the payment handler attached to a response.</summary>
public static class HttpResponseMessagePaymentExtensions
{
    /// <summary>The payment outcome, or null when the request never met a 402.</summary>
    public static PaymentOutcome? GetPaymentOutcome(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.RequestMessage is { } request && request.Options.TryGetValue(MppRequestOptions.Outcome, out var outcome) ? outcome : null;
    }

    /// <summary>The parsed <c>Payment-Receipt</c> of a paid response, or null.</summary>
    public static PaymentReceipt? GetPaymentReceipt(this HttpResponseMessage response) => response.GetPaymentOutcome()?.Receipt;
}
