namespace Mpp.Client.Http;

/// <summary>What the payment handler does with one request; set it with <see cref="HttpRequestMessagePaymentExtensions.SetPaymentMode"/>.</summary>
public enum PaymentMode
{
    /// <summary>Pay a 402 within policy (the default).</summary>
    Pay,

    /// <summary>Never pay: the 402 is returned as it is.</summary>
    Disabled,

    /// <summary>Select and check a challenge, attach its quote to the 402's outcome, and pay nothing ("look before you pay").</summary>
    QuoteOnly,
}
