using System.Numerics;

namespace Mpp.Client.Methods;

/// <summary>
/// The most a wallet may spend beyond the amount (a network fee, a routing fee), declared before the reservation so the
/// budget counts it like the amount (DESIGN.md: "declared before the reservation and counted like the amount").
/// </summary>
public sealed class PaymentFee
{
    /// <summary>Creates a fee bound.</summary>
    /// <param name="maxAmount">The most the fee can be, in base units of <paramref name="currency"/>.</param>
    /// <param name="currency">The currency code or asset the fee is paid in; it must count in the same budget unit as the amount.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAmount"/> is negative.</exception>
    public PaymentFee(BigInteger maxAmount, string currency)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxAmount);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        MaxAmount = maxAmount;
        Currency = currency;
    }

    /// <summary>The most the fee can be, in base units of <see cref="Currency"/>.</summary>
    public BigInteger MaxAmount { get; }

    /// <summary>The currency code or asset the fee is paid in.</summary>
    public string Currency { get; }
}
