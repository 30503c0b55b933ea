namespace Mpp.Client.Testing;

/// <summary>What <see cref="ITestPaymentVerifier.VerifyAsync"/> knows besides the credential.</summary>
public sealed class PaymentVerificationContext
{
    internal PaymentVerificationContext(string path, PriceOption price, TimeProvider timeProvider)
    {
        Path = path;
        Price = price;
        TimeProvider = timeProvider;
    }

    /// <summary>The path of the paid route (the resource), e.g. <c>/paid</c>.</summary>
    public string Path { get; }

    /// <summary>The price the credential's challenge was issued for.</summary>
    public PriceOption Price { get; }

    /// <summary>The server's clock (<see cref="MppTestServerOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider { get; }
}
