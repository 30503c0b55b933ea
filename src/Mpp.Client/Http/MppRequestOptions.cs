
namespace Mpp.Client.Http;

/// <summary>Keys of <see cref="HttpRequestMessage.Options"/> used by the payment handler.</summary>
internal static class MppRequestOptions
{
    public static readonly HttpRequestOptionsKey<PaymentMode> Mode = new("Mpp.PaymentMode");
    public static readonly HttpRequestOptionsKey<PaymentOutcome> Outcome = new("Mpp.PaymentOutcome");
    public static readonly HttpRequestOptionsKey<bool> Handled = new("Mpp.Handled");
    public static readonly HttpRequestOptionsKey<IReadOnlyDictionary<string, decimal>> MaxPayment = new("Mpp.MaxPayment");
}
