namespace Mpp.Client.Http;

/// <summary>Per-request control of the payment handler.</summary>
public static class HttpRequestMessagePaymentExtensions
{
    /// <summary>Sets what the payment handler does with this request.</summary>
    public static HttpRequestMessage SetPaymentMode(this HttpRequestMessage request, PaymentMode mode)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(MppRequestOptions.Mode, mode);
        return request;
    }

    /// <summary>What the payment handler does with this request (<see cref="PaymentMode.Pay"/> unless set).</summary>
    public static PaymentMode GetPaymentMode(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(MppRequestOptions.Mode, out var mode) ? mode : PaymentMode.Pay;
    }
}
