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

    /// <summary>
    /// Caps what this one request may pay: at most <paramref name="amount"/> in <paramref name="unit"/> (e.g. 0.05 usd).
    /// Call once per unit; once any cap is set, challenges in other units are refused for this request. The configured
    /// budget still applies: this can only lower it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is negative.</exception>
    public static HttpRequestMessage SetMaxPayment(this HttpRequestMessage request, decimal amount, string unit)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var caps = request.Options.TryGetValue(MppRequestOptions.MaxPayment, out var existing)
            ? new Dictionary<string, decimal>(existing, StringComparer.Ordinal)
            : new Dictionary<string, decimal>(StringComparer.Ordinal);
        caps[unit.Trim().ToLowerInvariant()] = amount;
        request.Options.Set(MppRequestOptions.MaxPayment, caps);
        return request;
    }
}
