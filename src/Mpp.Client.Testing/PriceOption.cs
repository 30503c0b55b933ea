using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>
/// One way to pay for a route: it becomes one <c>WWW-Authenticate: Payment</c> challenge whose <c>request</c> is
/// <c>{"amount", "currency", "recipient", ...ExtraRequest}</c> (charge intent shared fields), or what the method's
/// <see cref="ITestPaymentVerifier"/> writes from it.
/// </summary>
/// <remarks>
/// Values are written as given and not validated, so that tests can also offer challenges a payer must refuse
/// (an unknown <see cref="Header"/>, a negative amount, ...).
/// </remarks>
public sealed record PriceOption
{
    /// <summary>The method of the built-in test payment method.</summary>
    public const string TestMethod = "test";

    /// <summary>Creates a price of <paramref name="amount"/> base units of <paramref name="currency"/>, payable with the <c>test</c> method.</summary>
    /// <param name="amount">The amount in base units, as a decimal string (e.g. <c>"1000"</c>).</param>
    /// <param name="currency">The currency or asset identifier. Default <c>usd</c>.</param>
    public PriceOption(string amount, string currency = "usd")
    {
        ArgumentNullException.ThrowIfNull(amount);
        ArgumentNullException.ThrowIfNull(currency);
        Amount = amount;
        Currency = currency;
    }

    /// <summary>The amount in base units (the request's <c>amount</c>).</summary>
    public string Amount { get; init; }

    /// <summary>The currency or asset (the request's <c>currency</c>).</summary>
    public string Currency { get; init; }

    /// <summary>The payment method identifier. Default <c>test</c>.</summary>
    public string Method { get; init; } = TestMethod;

    /// <summary>The payment intent. Default <c>charge</c>.</summary>
    public string Intent { get; init; } = "charge";

    /// <summary>The request's <c>recipient</c>, or <see langword="null"/> to leave it out. Default <c>acct_test</c>.</summary>
    public string? Recipient { get; init; } = "acct_test";

    /// <summary>The challenge's <c>description</c> parameter (display only), or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The challenge's <c>header</c> parameter: <see cref="Challenge.PaymentAuthorizationHeader"/> makes the server accept the
    /// credential only in <c>Payment-Authorization</c>. <see langword="null"/> (the default) selects <c>Authorization</c>.
    /// </summary>
    public string? Header { get; init; }

    /// <summary>More members of the request object (e.g. <c>methodDetails</c>, <c>externalId</c>); they override the ones above.</summary>
    public IReadOnlyDictionary<string, JsonElement>? ExtraRequest { get; init; }

    /// <summary>
    /// Extra string members of the challenge's <c>opaque</c> object. The server always adds its own <c>route</c>,
    /// <c>price</c> and <c>nonce</c> members, which bind the challenge to the route and the price and make every challenge
    /// id unique (extra members of those names are left out).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Opaque { get; init; }

    /// <summary>A <c>test</c>-method price that selects <c>Payment-Authorization</c> for the credential.</summary>
    /// <param name="amount">The amount in base units.</param>
    /// <param name="currency">The currency. Default <c>usd</c>.</param>
    public static PriceOption WithPaymentAuthorization(string amount, string currency = "usd") =>
        new(amount, currency) { Header = Challenge.PaymentAuthorizationHeader };

    /// <inheritdoc />
    public override string ToString() => $"{Method}/{Intent} {Amount} {Currency}";
}
